/* spinlock: the shim's lock for its rare paths (the callback-return
 * history, a report), which run on any thread of the program, on its stack
 * or the system stack, whatever the program holds: no futex, no pthread
 * state. Spins with PAUSE, then yields the CPU, so a holder doing I/O (a
 * report) does not cost a waiting thread a whole core. */
#ifndef UNDEAD_SPINLOCK_H
#define UNDEAD_SPINLOCK_H

#include <sched.h>

static inline void ud_spin_lock(int *word) {
  for (unsigned spins = 0; __atomic_exchange_n(word, 1, __ATOMIC_ACQUIRE); spins++) {
    while (__atomic_load_n(word, __ATOMIC_RELAXED)) {
      if (++spins > 64)
        sched_yield();
      else
        __builtin_ia32_pause();
    }
  }
}

static inline void ud_spin_unlock(int *word) { __atomic_store_n(word, 0, __ATOMIC_RELEASE); }

#endif
