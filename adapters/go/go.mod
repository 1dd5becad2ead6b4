module zinc.dev/zinc

go 1.22
