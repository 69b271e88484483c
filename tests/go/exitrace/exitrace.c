// Each call runs one Go callback.
#include "_cgo_export.h"

void raceCall(int id) { raceCallback(id); }
