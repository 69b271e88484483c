module startup

go 1.19
