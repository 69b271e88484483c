//go:build !go1.20

package main

import "unsafe"

// runtime.stkframe of Go 1.19 (runtime/runtime2.go).
type stkframe struct {
	fn       funcInfo
	pc       uintptr
	continpc uintptr
	lr       uintptr
	sp       uintptr
	fp       uintptr
	varp     uintptr
	argp     uintptr
	arglen   uintptr
	argmap   *bitvector
}

//go:linkname findfunc runtime.findfunc
func findfunc(pc uintptr) funcInfo

//go:linkname funcdata runtime.funcdata
func funcdata(f funcInfo, i uint8) unsafe.Pointer

//go:linkname pcdatavalue runtime.pcdatavalue
func pcdatavalue(f funcInfo, table uint32, targetpc uintptr, cache unsafe.Pointer) int32

//go:linkname funcspdelta runtime.funcspdelta
func funcspdelta(f funcInfo, targetpc uintptr, cache unsafe.Pointer) int32

//go:linkname getStackMap runtime.getStackMap
func getStackMap(frame *stkframe, cache unsafe.Pointer, debug bool) (locals, args bitvector, objs []stackObjectRecord)

func pcdata(f funcInfo, table uint32, pc uintptr) int32 { return pcdatavalue(f, table, pc, nil) }
func spdelta(f funcInfo, pc uintptr) int32              { return funcspdelta(f, pc, nil) }

// getArgInfo: frame.arglen = uintptr(f.args), consulted when nonzero.
func argsConsulted(args int32) bool { return args != 0 }

func stackMapOf(f funcInfo, pc, sp, fp, varp, argp, arglen uintptr) (bitvector, bitvector, []stackObjectRecord) {
	fr := stkframe{fn: f, pc: pc, continpc: pc, sp: sp, fp: fp, varp: varp, argp: argp, arglen: arglen}
	return getStackMap(&fr, nil, false)
}
