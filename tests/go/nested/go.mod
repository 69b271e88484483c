module nested

go 1.19
