// oracle: prints the Go runtime's own view of stack maps.
//
// For each PC read from stdin (hex, one per line) it prints one line with
// what the runtime's getStackMap returns for a frame stopped at that PC:
// the function (by runtime.findfunc), its entry, funcspdelta, the stack map
// index, file:line of pc-1, the locals and args bitmaps and the stack
// objects. The frame geometry (fp, varp, argp) is built as the unwinder
// builds it on amd64; everything else comes from the runtime's own code.
// Where getStackMap would throw, the line says which check fails instead.
//
// The rest of this file is a workload: pointer-heavy frames, closures,
// defers and a cgo callback, so that the binary checked (this one) has
// varied stack maps.
package main

/*
#include <stdint.h>
extern void goCallback(uintptr_t);
static void callBack(uintptr_t v) { goCallback(v); }
*/
import "C"

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

type funcInfo struct {
	fn    unsafe.Pointer // *runtime._func
	datap unsafe.Pointer // *runtime.moduledata
}

type bitvector struct {
	n        int32
	bytedata *uint8
}

type stackObjectRecord struct {
	off       int32
	size      int32
	ptrdata   int32
	gcdataoff uint32
}

type stackmap struct {
	n    int32
	nbit int32
}

const (
	pcdataStackMapIndex   = 1
	funcdataArgsPointers  = 0
	funcdataLocalPointers = 1
	argsSizeUnknown       = -0x80000000
)

// The name as stored: moduledata.funcnametab (a []byte at offset 8) at
// _func.nameOff (offset 4). runtime.Func.Name would give "" for nameOff 0
// and rewrite generic names for printing.
func funcName(f funcInfo) string {
	tab := *(*[]byte)(unsafe.Add(f.datap, 8))
	off := *(*int32)(unsafe.Add(f.fn, 4))
	if off < 0 || int(off) >= len(tab) {
		return "?"
	}
	end := off
	for int(end) < len(tab) && tab[end] != 0 {
		end++
	}
	return string(tab[off:end])
}

// _func.args: offset 8 in every supported layout.
func funcArgs(f funcInfo) int32 { return *(*int32)(unsafe.Add(f.fn, 8)) }

func bits(bv bitvector) string {
	if bv.n <= 0 {
		return "0:"
	}
	nb := (int(bv.n) + 7) / 8
	b := unsafe.Slice(bv.bytedata, nb)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d:", bv.n)
	for i := 0; i < nb; i++ {
		v := b[i]
		if i == nb-1 && bv.n%8 != 0 {
			v &= byte(1)<<(uint(bv.n)%8) - 1
		}
		fmt.Fprintf(&sb, "%02x", v)
	}
	return sb.String()
}

func checkMap(f funcInfo, which uint8, idx int32, needIndex bool) string {
	p := funcdata(f, which)
	if p == nil || (*stackmap)(p).n <= 0 {
		return "missing"
	}
	if needIndex && (idx < 0 || idx >= (*stackmap)(p).n) {
		return "bad"
	}
	return ""
}

var fakeStack [4096]uintptr

func view(pc uintptr) string {
	f := findfunc(pc)
	if f.fn == nil {
		return fmt.Sprintf("%x nofunc", pc)
	}
	rf := (*runtime.Func)(f.fn)
	entry := rf.Entry()
	name := funcName(f)
	head := fmt.Sprintf("%x %s entry=%x", pc, name, entry)
	spdelta := spdelta(f, pc)
	if spdelta < 0 {
		return head + " nosp"
	}
	idx := int32(-1)
	if pc != entry {
		idx = pcdata(f, pcdataStackMapIndex, pc-1)
	}
	if idx == -1 {
		idx = 0
	}
	file, line := rf.FileLine(pc - 1)
	if pc == entry {
		file, line = rf.FileLine(pc)
	}
	head += fmt.Sprintf(" sp=%d idx=%d %s:%d", spdelta, idx, file, line)

	// Frame geometry, as the amd64 unwinder computes it.
	sp := uintptr(unsafe.Pointer(&fakeStack[len(fakeStack)/2]))
	fp := sp + uintptr(spdelta) + 8
	varp := fp - 8
	if varp > sp {
		varp -= 8
	}
	argp := fp

	// The checks getStackMap makes before it throws.
	if varp-sp > 0 {
		p := funcdata(f, funcdataLocalPointers)
		if p == nil || (*stackmap)(p).n <= 0 {
			return head + " throw=missing"
		}
		if (*stackmap)(p).nbit > 0 && (idx < 0 || idx >= (*stackmap)(p).n) {
			return head + " throw=bad"
		}
	}
	args := funcArgs(f)
	if argsConsulted(args) {
		if r := checkMap(f, funcdataArgsPointers, idx, true); r != "" {
			return head + " throw=" + r
		}
	}

	locals, argmap, objs := stackMapOf(f, pc, sp, fp, varp, argp, uintptr(args))
	var sb strings.Builder
	sb.WriteString(head)
	fmt.Fprintf(&sb, " L=%s A=%s O=", bits(locals), bits(argmap))
	for i, o := range objs {
		base := int64(argp - sp)
		if o.off < 0 {
			base = int64(varp - sp)
		}
		pd := o.ptrdata
		if pd < 0 {
			pd = -pd
		}
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "%d/%d/%d", base+int64(o.off), o.size, pd)
	}
	return sb.String()
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "work" {
		fmt.Println(workload(10))
		return
	}
	sc := bufio.NewScanner(os.Stdin)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if t == "" {
			continue
		}
		pc, err := strconv.ParseUint(strings.TrimPrefix(t, "0x"), 16, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "oracle: bad pc:", t)
			os.Exit(2)
		}
		fmt.Fprintln(w, view(uintptr(pc)))
	}
}

// ---- workload ----

type node struct {
	next  *node
	name  string
	vals  []int
	attrs map[string]*node
}

var sink interface{}

//go:noinline
func manyPointers(a, b, c *node, s string, xs []*node) *node {
	p1, p2, p3, p4 := a.next, b.next, c.next, &node{name: s}
	m := map[string]*node{"a": a, "b": b}
	var arr [8]*node
	for i := range arr {
		arr[i] = &node{name: strconv.Itoa(i), next: p1}
		runtime.Gosched()
	}
	sink = arr
	q := append(xs, p2, p3)
	sort.Slice(q, func(i, j int) bool { return q[i] != nil && q[j] == nil })
	p4.attrs = m
	sink = q
	return p4
}

//go:noinline
func withDefers(n int) (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("recovered ", r)
		}
	}()
	for i := 0; i < n; i++ {
		defer func(i int) { res += strconv.Itoa(i) }(i)
	}
	s := make([]string, 0, n)
	defer func() { sink = s }()
	if n > 5 {
		var m map[int]int
		m[n] = 1 // panics
	}
	return strings.Join(s, ",")
}

//go:noinline
func closures(n int) func() int {
	total := 0
	fs := []func(){}
	for i := 0; i < n; i++ {
		x := &node{vals: []int{i}}
		fs = append(fs, func() { total += x.vals[0] })
	}
	return func() int {
		for _, f := range fs {
			f()
		}
		return total
	}
}

var cbTotal uintptr

//export goCallback
func goCallback(v uintptr) {
	var big [64]*node
	for i := range big {
		big[i] = &node{vals: make([]int, i)}
	}
	cbTotal += v + uintptr(len(big[63].vals))
}

//go:noinline
func recurse(n int, acc *node) *node {
	if n == 0 {
		return acc
	}
	var buf [32]byte
	return recurse(n-1, &node{next: acc, name: string(buf[:n%32])})
}

func workload(n int) string {
	a := &node{next: &node{}}
	r := manyPointers(a, a, a, "x", []*node{a})
	f := closures(n)
	C.callBack(C.uintptr_t(n))
	return fmt.Sprint(r.name, withDefers(n), f(), cbTotal, recurse(n, nil) != nil)
}
