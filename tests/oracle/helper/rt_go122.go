//go:build go1.22

package main

import _ "unsafe" // for go:linkname

// Go 1.22 and later: no pcvalueCache argument any more.

//go:linkname pcdatavalue runtime.pcdatavalue
func pcdatavalue(f funcInfo, table uint32, targetpc uintptr) int32

//go:linkname funcspdelta runtime.funcspdelta
func funcspdelta(f funcInfo, targetpc uintptr) int32

//go:linkname getStackMap runtime.(*stkframe).getStackMap
func getStackMap(frame *stkframe, debug bool) (locals, args bitvector, objs []stackObjectRecord)

func pcdata(f funcInfo, table uint32, pc uintptr) int32 { return pcdatavalue(f, table, pc) }
func spdelta(f funcInfo, pc uintptr) int32              { return funcspdelta(f, pc) }
func frameStackMap(fr *stkframe) (bitvector, bitvector, []stackObjectRecord) {
	return getStackMap(fr, false)
}
