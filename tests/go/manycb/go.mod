module manycb

go 1.19
