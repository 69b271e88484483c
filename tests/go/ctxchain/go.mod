module ctxchain

go 1.19
