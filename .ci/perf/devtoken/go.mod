module devtoken

go 1.24
