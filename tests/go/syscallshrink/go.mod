module syscallshrink

go 1.19
