module gotest-bug

go 1.19
