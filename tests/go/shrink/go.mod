module shrink

go 1.19
