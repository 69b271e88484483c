/* Room base/: what every room uses (the allocator, the one-line log, the
 * spin lock). Each says where it may be called. */
/* alloc: the shim's own memory.
 *
 * Everything the shim allocates comes from the jemalloc linked privately into
 * libundead.so (its symbols are local to the .so), never from the target's
 * malloc. Tables that must be usable where no allocator may run (the stack
 * copy hook, the callback-return check) are allocated once, up front. */
#ifndef UNDEAD_ALLOC_H
#define UNDEAD_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *ud_alloc(size_t size);            /* zeroed; NULL on failure */
void ud_free(void *p);

/* True if the shim's malloc is not the one the target sees (the linking
 * rule held). */
bool ud_alloc_is_private(void);

#endif
