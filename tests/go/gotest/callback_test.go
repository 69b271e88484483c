package callback

import (
	"runtime"
	"testing"
)

// TestCallbackGrowsStack runs the round trip on fresh goroutines (small
// stacks), so each callback relocates the stack, then collects garbage.
func TestCallbackGrowsStack(t *testing.T) {
	for i := 0; i < 8; i++ {
		done := make(chan struct{})
		go func() {
			RoundTrip(64)
			close(done)
		}()
		<-done
		runtime.GC()
	}
}
