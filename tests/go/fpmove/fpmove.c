// C calls back into Go once per call.
#include "_cgo_export.h"

long fpCall(int depth) { return fpCallback(depth); }
