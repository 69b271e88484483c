module leftaccess

go 1.19
