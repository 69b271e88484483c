// Lets the package declare body-less functions bound with go:linkname.
