/* counts: per-thread blocks reserved up front, and the final record. */
#include "counts.h"

#include <stddef.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "report.h"
#include "report_out.h"
#include "rt_asm.h"

_Static_assert(offsetof(ud_counts, callbacks) == UD_COUNTS_CALLBACKS, "rt_asm.h");
_Static_assert(offsetof(ud_counts, gate_returns) == UD_COUNTS_GATE_RETURNS, "rt_asm.h");

/* Enough for the threads of most programs at once; a thread that ends
 * hands its block on, so only threads alive together use up blocks. Past
 * that, threads count in the shared overflow block, with atomics. Zeroed
 * memory: pages are touched only by threads that count. */
enum { MAX_BLOCKS = 2048 };

/* A cache line each: the callback path's increments share no line. */
typedef struct block {
  ud_counts c;
  uint32_t next; /* free list link: index + 1, 0 ends the list */
} __attribute__((aligned(64))) block;

__thread ud_counts *ud_counts_tls __attribute__((tls_model("initial-exec")));
ud_counts ud_counts_overflow;

static block blocks[MAX_BLOCKS];
static uint32_t nclaimed;  /* blocks[0, nclaimed) have had an owner */
/* The free list, a Treiber stack: low 32 bits the top's index + 1, high 32
 * bits a tag bumped at every push, so a pop never takes a stale link (ABA). */
static uint64_t free_top;
static pthread_key_t key;
static bool key_ok;

/* Returns an index from the free list, or -1. */
static int64_t pop_free(void) {
  uint64_t top = __atomic_load_n(&free_top, __ATOMIC_ACQUIRE);
  for (;;) {
    uint32_t i1 = (uint32_t)top;
    if (i1 == 0)
      return -1;
    uint64_t next = (top & ~(uint64_t)UINT32_MAX) | __atomic_load_n(&blocks[i1 - 1].next, __ATOMIC_RELAXED);
    if (__atomic_compare_exchange_n(&free_top, &top, next, true, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
      return (int64_t)i1 - 1;
  }
}

static void push_free(uint32_t i) {
  uint64_t top = __atomic_load_n(&free_top, __ATOMIC_RELAXED);
  for (;;) {
    __atomic_store_n(&blocks[i].next, (uint32_t)top, __ATOMIC_RELAXED);
    uint64_t next = ((top >> 32) + 1) << 32 | (i + 1);
    if (__atomic_compare_exchange_n(&free_top, &top, next, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
      return;
  }
}

/* A thread that ends gives its block (and the counts in it) to the next. */
static void release_block(void *p) {
  block *b = p;
  if (ud_counts_tls == &b->c)
    ud_counts_tls = NULL;
  push_free((uint32_t)(b - blocks));
}

/* glibc keeps the values of its first 32 keys in the thread descriptor; a
 * later key's value may need a calloc of the target's on the first
 * pthread_setspecific. Only a low key is used: without one, blocks are not
 * handed on (threads past MAX_BLOCKS count in the overflow block). */
void ud_counts_init(void) {
  if (pthread_key_create(&key, release_block) != 0)
    return;
  if (key < 32)
    key_ok = true;
  else
    pthread_key_delete(key);
}

ud_counts *ud_counts_mine_slow(void) {
  int64_t i = pop_free();
  if (i < 0) {
    uint32_t n = __atomic_load_n(&nclaimed, __ATOMIC_RELAXED);
    do {
      if (n >= MAX_BLOCKS)
        return NULL;
    } while (!__atomic_compare_exchange_n(&nclaimed, &n, n + 1, true, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    i = n;
  }
  block *b = &blocks[i];
  if (key_ok)
    pthread_setspecific(key, b);
  ud_counts_tls = &b->c;
  return &b->c;
}

void ud_counts_sum(ud_counts *out) {
  memset(out, 0, sizeof *out);
  uint32_t n = __atomic_load_n(&nclaimed, __ATOMIC_ACQUIRE);
  for (uint32_t i = 0; i < n; i++)
    ud_counts_add(out, &blocks[i].c);
  ud_counts_add(out, &ud_counts_overflow);
}

void ud_counts_write_final(const ud_options *opt, const char *binary, const char *go_version) {
  static int written;
  if (__atomic_exchange_n(&written, 1, __ATOMIC_ACQ_REL))
    return;
  static ud_counts_record rec;
  static char buf[8192];
  ud_counts_sum(&rec.c);
  rec.pid = (int32_t)getpid();
  ud_str_fmt(rec.binary, sizeof rec.binary, "%s", binary);
  ud_str_fmt(rec.go_version, sizeof rec.go_version, "%s", go_version);
  ud_out o;
  if (opt->verbosity >= 1) {
    ud_out_init_mem(&o, buf, sizeof buf);
    ud_counts_render_words(&rec.c, &o);
    ud_log("checked: %.*s", (int)o.len, buf);
  }
  if (ud_log_kind(opt->log_path) == UD_LOG_STDERR || opt->format == UD_FORMAT_SARIF)
    return;
  ud_out_init_mem(&o, buf, sizeof buf);
  if (opt->format == UD_FORMAT_JSON)
    ud_counts_render_json(&rec, &o);
  else
    ud_counts_render_text(&rec, &o);
  ud_record_write(buf, o.len, opt->log_path);
}
