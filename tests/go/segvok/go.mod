module segvok

go 1.19
