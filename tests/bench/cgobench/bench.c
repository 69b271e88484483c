// The C side of the benchmarks.
#include "_cgo_export.h"

void bench_noop(void) {}

void bench_callback(void) { benchGoNoop(); }

void bench_callback_deep(int depth) { benchGoDeep(depth); }
