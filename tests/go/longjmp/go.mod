module longjmp

go 1.19
