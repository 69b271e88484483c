/* ownstack: small stacks on pages of the shim's own (see ownstack.h). */
#include "ownstack.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "counts.h"
#include "spinlock.h"

uint64_t ud_ownstack_lo, ud_ownstack_len;

/* Pages are handed out from next up; a page given back goes on a free
 * list threaded through its unused lower half. */
static uint64_t next;
static uint64_t free_head;
static int lock;

int ud_ownstack_init(void) {
  if (ud_ownstack_len != 0)
    return 0;
  struct rlimit as;
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
    return -1;
  /* Largest first: with strict overcommit MAP_NORESERVE is not honoured. */
  static const size_t sizes[] = {1ul << 30, 256ul << 20, 64ul << 20};
  int err = 0;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    void *m = mmap(NULL, sizes[i], PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
      err = errno;
      continue;
    }
    next = (uint64_t)(uintptr_t)m;
    ud_ownstack_lo = next;
    __atomic_store_n(&ud_ownstack_len, sizes[i], __ATOMIC_RELEASE);
    return 0;
  }
  return err;
}

uint64_t ud_ownstack_alloc(void) {
  uint64_t page = 0;
  ud_spin_lock(&lock);
  if (free_head != 0) {
    page = free_head;
    free_head = *(volatile uint64_t *)(uintptr_t)page;
  } else if (next < ud_ownstack_lo + ud_ownstack_len) {
    page = next;
    next += UD_OWNSTACK_PAGE;
  }
  ud_spin_unlock(&lock);
  if (page == 0)
    return 0;
  UD_COUNT(own_stacks, 1);
  return page + UD_OWNSTACK_PAGE - UD_OWNSTACK_SIZE;
}

void ud_ownstack_free(uint64_t lo) {
  uint64_t page = ud_ownstack_page(lo);
  ud_spin_lock(&lock);
  *(volatile uint64_t *)(uintptr_t)page = free_head;
  free_head = page;
  ud_spin_unlock(&lock);
}
