// The C half: call back into Go, then return.
#include "_cgo_export.h"

void call_go(int depth) { goCallback(depth); }
