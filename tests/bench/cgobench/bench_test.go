package cgobench

import "testing"

const depth = 256

func BenchmarkCgoCall(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Noop()
	}
}

func BenchmarkCallback(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Callback()
	}
}

// Each op: a new goroutine calls C, C calls back into Go, the callback
// recurses and its stack is relocated several times with the gate frame of
// cgocall parked on it.
func BenchmarkRelocInCallback(b *testing.B) {
	done := make(chan struct{})
	for i := 0; i < b.N; i++ {
		go func() { CallbackDeep(depth); done <- struct{}{} }()
		<-done
	}
}

// The same recursion and relocations, with no cgo on the stack.
func BenchmarkRelocOutside(b *testing.B) {
	done := make(chan struct{})
	for i := 0; i < b.N; i++ {
		go func() { Sink += Deep(depth); done <- struct{}{} }()
		<-done
	}
}
