module stackswitch

go 1.19
