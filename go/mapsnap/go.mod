module stacklens/go/mapsnap

go 1.22
