module cgosmall

go 1.19
