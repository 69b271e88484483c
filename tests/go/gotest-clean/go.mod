module gotest-clean

go 1.19
