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

//go:linkname pcdatavalue runtime.pcdatavalue
func pcdatavalue(f funcInfo, table uint32, targetpc uintptr) int32

//go:linkname funcspdelta runtime.funcspdelta
func funcspdelta(f funcInfo, targetpc uintptr) int32

//go:linkname getStackMap runtime.(*stkframe).getStackMap
func getStackMap(frame *stkframe, debug bool) (locals, args bitvector, objs []stackObjectRecord)

func pcdata(f funcInfo, table uint32, pc uintptr) int32 { return pcdatavalue(f, table, pc) }
func spdelta(f funcInfo, pc uintptr) int32              { return funcspdelta(f, pc) }

// argMapInternal: f.args/PtrSize words when the size is known.
func argsConsulted(args int32) bool { return args != argsSizeUnknown && args/8 > 0 }

func stackMapOf(f funcInfo, pc, sp, fp, varp, argp, arglen uintptr) (bitvector, bitvector, []stackObjectRecord) {
	fr := stkframe{fn: f, pc: pc, continpc: pc, sp: sp, fp: fp, varp: varp, argp: argp}
	return getStackMap(&fr, false)
}
