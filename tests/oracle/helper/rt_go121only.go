//go:build go1.21 && !go1.22

package main

import "unsafe"

// Go 1.21: the pcvalue lookups and (*stkframe).getStackMap still take a
// *pcvalueCache (nil: no cache).

//go:linkname pcdatavalue runtime.pcdatavalue
func pcdatavalue(f funcInfo, table uint32, targetpc uintptr, cache unsafe.Pointer) int32

//go:linkname funcspdelta runtime.funcspdelta
func funcspdelta(f funcInfo, targetpc uintptr, cache unsafe.Pointer) int32

//go:linkname getStackMap runtime.(*stkframe).getStackMap
func getStackMap(frame *stkframe, cache unsafe.Pointer, debug bool) (locals, args bitvector, objs []stackObjectRecord)

func pcdata(f funcInfo, table uint32, pc uintptr) int32 { return pcdatavalue(f, table, pc, nil) }
func spdelta(f funcInfo, pc uintptr) int32              { return funcspdelta(f, pc, nil) }
func frameStackMap(fr *stkframe) (bitvector, bitvector, []stackObjectRecord) {
	return getStackMap(fr, nil, false)
}
