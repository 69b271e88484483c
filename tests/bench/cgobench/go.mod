module cgobench

go 1.19
