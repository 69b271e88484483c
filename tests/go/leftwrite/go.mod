module leftwrite

go 1.19
