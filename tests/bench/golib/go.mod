module golibbench

go 1.19
