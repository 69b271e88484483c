module exitrace

go 1.19
