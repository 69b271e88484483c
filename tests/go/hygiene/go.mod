module hygiene

go 1.19
