// Calls the small exported Go function n times from one C call.
#include "_cgo_export.h"

void latentCall(int n) {
	for (int i = 0; i < n; i++)
		latentCallback();
}
