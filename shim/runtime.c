/* runtime: the layout the inline accessors of runtime.h read. */
#include "runtime.h"

ud_layout ud_rt_layout;

void ud_rt_init(const ud_layout *layout) { ud_rt_layout = *layout; }
