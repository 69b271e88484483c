module procview

go 1.19
