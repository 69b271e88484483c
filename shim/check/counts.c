/* counts: per-thread blocks, a registry, and the final record. */
#include "counts.h"

#include <stddef.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "report.h"
#include "report_out.h"
#include "rt_asm.h"

_Static_assert(offsetof(ud_counts, callbacks) == UD_COUNTS_CALLBACKS, "rt_asm.h");
_Static_assert(offsetof(ud_counts, gate_returns) == UD_COUNTS_GATE_RETURNS, "rt_asm.h");

enum { MAX_BLOCKS = 1 << 14 };

__thread ud_counts *ud_counts_tls __attribute__((tls_model("initial-exec")));

static ud_counts *blocks[MAX_BLOCKS];
static size_t nblocks;
static ud_counts *free_blocks[MAX_BLOCKS];
static size_t nfree;
static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int written;

/* A thread that ends gives its block (and the counts in it) to the next. */
static void release_block(void *p) {
  pthread_mutex_lock(&registry);
  if (nfree < MAX_BLOCKS)
    free_blocks[nfree++] = p;
  pthread_mutex_unlock(&registry);
}

static void make_key(void) { pthread_key_create(&key, release_block); }

void ud_counts_init(void) { pthread_once(&key_once, make_key); }

ud_counts *ud_counts_mine_slow(void) {
  pthread_once(&key_once, make_key);
  ud_counts *c = NULL;
  pthread_mutex_lock(&registry);
  if (nfree > 0)
    c = free_blocks[--nfree];
  else if (nblocks < MAX_BLOCKS && (c = ud_alloc(sizeof *c)) != NULL)
    blocks[nblocks++] = c;
  pthread_mutex_unlock(&registry);
  if (c != NULL) {
    ud_counts_tls = c;
    pthread_setspecific(key, c);
  }
  return c;
}

void ud_counts_sum(ud_counts *out) {
  memset(out, 0, sizeof *out);
  size_t n = __atomic_load_n(&nblocks, __ATOMIC_ACQUIRE);
  for (size_t i = 0; i < n; i++)
    ud_counts_add(out, blocks[i]);
}

void ud_counts_write_final(const ud_options *opt, const char *binary, const char *go_version) {
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
