module fpmove

go 1.19
