module latent

go 1.19
