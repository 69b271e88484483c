// The C half of ctxchain: the program's own cgo context function, which
// counts callback entries and exits and checks that each exit hands back the
// value its entry returned, and a C function that calls back into Go.
#include <stdint.h>

#include "_cgo_export.h"

struct ctxchain_arg {
	uintptr_t Context;
};

enum { TOKEN = 0x5eed };

static long entries, exits, foreign;

void ctxchain_context(struct ctxchain_arg *arg) {
	if (arg->Context == 0) {
		__atomic_add_fetch(&entries, 1, __ATOMIC_SEQ_CST);
		arg->Context = TOKEN;
	} else if (arg->Context == TOKEN) {
		__atomic_add_fetch(&exits, 1, __ATOMIC_SEQ_CST);
	} else {
		__atomic_add_fetch(&foreign, 1, __ATOMIC_SEQ_CST);
	}
}

void ctxchain_counts(long *e, long *x, long *f) {
	*e = __atomic_load_n(&entries, __ATOMIC_SEQ_CST);
	*x = __atomic_load_n(&exits, __ATOMIC_SEQ_CST);
	*f = __atomic_load_n(&foreign, __ATOMIC_SEQ_CST);
}

void ctxchain_call(int n) {
	for (int i = 0; i < n; i++)
		ctxchainCallback();
}
