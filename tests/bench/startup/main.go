// startup is a large cgo program that starts and exits at once: scripts/bench
// times its start-up with and without the shim (the shim reads the binary's
// symbols, pclntab and DWARF before main runs, so size is what costs).
package main

/*
static int answer(void) { return 42; }
*/
import "C"

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"debug/dwarf"
	"debug/elf"
	"encoding/json"
	"encoding/xml"
	"go/format"
	"go/parser"
	"go/types"
	"html/template"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/rpc"
	"net/smtp"
	"os"
	"os/user"
	"regexp"
	ttemplate "text/template"
)

// keep holds a reference into each package so the linker keeps its code.
var keep = []any{
	tar.NewReader, zip.NewReader, gzip.NewReader, tls.Dial, x509.ParseCertificate,
	sql.Open, dwarf.New, elf.Open, json.Marshal, json.Unmarshal, xml.Marshal,
	format.Source, parser.ParseFile, types.NewChecker, (*types.Config).Check,
	template.New, gif.Decode, jpeg.Decode, png.Decode, png.Encode, new(big.Float).Text,
	http.ListenAndServe, http.Get, httptest.NewServer, mail.ParseAddress, rpc.Dial,
	smtp.SendMail, user.Current, regexp.MustCompile, ttemplate.New,
}

func main() {
	if C.answer() != 42 || len(keep) == 0 {
		os.Exit(1)
	}
}
