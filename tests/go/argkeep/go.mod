module argkeep

go 1.19
