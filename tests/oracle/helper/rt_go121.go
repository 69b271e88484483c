//go:build go1.21

package main

import "unsafe"

// runtime.stkframe of Go 1.21 and later (runtime/stkframe.go).
type stkframe struct {
	fn       funcInfo
	pc       uintptr
	continpc uintptr
	lr       uintptr
	sp       uintptr
	fp       uintptr
	varp     uintptr
	argp     uintptr
}

//go:linkname findfunc runtime.findfunc
func findfunc(pc uintptr) funcInfo

//go:linkname funcdata runtime.funcdata
func funcdata(f funcInfo, i uint8) unsafe.Pointer

// argMapInternal: f.args/PtrSize words when the size is known.
func argsConsulted(args int32) bool { return args != argsSizeUnknown && args/8 > 0 }

func stackMapOf(f funcInfo, pc, sp, fp, varp, argp, arglen uintptr) (bitvector, bitvector, []stackObjectRecord) {
	fr := stkframe{fn: f, pc: pc, continpc: pc, sp: sp, fp: fp, varp: varp, argp: argp}
	return frameStackMap(&fr)
}
