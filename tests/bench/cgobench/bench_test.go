package cgobench

import (
	"sync"
	"testing"
)

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

// Null callbacks from several goroutines at once (a server whose request
// goroutines call C that calls back): b.N callbacks split over g
// goroutines; with GOMAXPROCS > 1 they run on several threads at once.
func benchCallbacksFrom(b *testing.B, g int) {
	var wg sync.WaitGroup
	for i := 0; i < g; i++ {
		n := b.N / g
		if i < b.N%g {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < n; j++ {
				Callback()
			}
		}()
	}
	wg.Wait()
}

func BenchmarkCallback4(b *testing.B) { benchCallbacksFrom(b, 4) }
func BenchmarkCallback8(b *testing.B) { benchCallbacksFrom(b, 8) }
