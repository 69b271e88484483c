module issue7978

go 1.19
