// One callback, which waits in Go until main has collected garbage.
#include "_cgo_export.h"

void shrinkCall(void) { shrinkCallback(); }
