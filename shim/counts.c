/* counts: per-thread blocks, a registry, and the final record. */
#include "counts.h"

#include <fcntl.h>
#include <stddef.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "report.h"
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
  for (size_t i = 0; i < n; i++) {
    const volatile ud_counts *c = blocks[i];
#define ADD(m, key, help) out->m += c->m;
    UD_COUNTERS(ADD)
#undef ADD
  }
}

static int open_log(const ud_options *opt) {
  const char *p = opt->log_path;
  if (p[0] == '\0' || strcmp(p, "stderr") == 0)
    return -1; /* the verbosity line says it */
  if (strcmp(p, "stdout") == 0)
    return 1;
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s.%d", p, (int)getpid());
  return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

void ud_counts_write_final(const ud_options *opt, const char *binary, const char *go_version) {
  if (__atomic_exchange_n(&written, 1, __ATOMIC_ACQ_REL))
    return;
  ud_counts s;
  ud_counts_sum(&s);
  if (opt->verbosity >= 1)
    ud_log("checked: %llu callback(s), %llu return(s) into a gate, %llu relocation(s) with a gate "
           "open (%llu forced), %llu gate frame(s); %llu report(s)",
           (unsigned long long)s.callbacks, (unsigned long long)s.gate_returns,
           (unsigned long long)s.relocations, (unsigned long long)s.forced_moves,
           (unsigned long long)s.gate_frames, (unsigned long long)s.reports);
  if (opt->format == UD_FORMAT_SARIF)
    return; /* a SARIF log holds one document: no second record */
  int fd = open_log(opt);
  if (fd < 0)
    return;
  char buf[2048];
  ud_out o;
  ud_out_init_fd(&o, fd, buf, sizeof buf);
  if (opt->format == UD_FORMAT_JSON) {
    ud_out_fmt(&o, "{\"schema\":\"undead-counts/1\",\"pid\":%d,\"binary\":", (int)getpid());
    ud_out_json_str(&o, binary);
    ud_out_str(&o, ",\"go_version\":");
    ud_out_json_str(&o, go_version);
#define JSON(m, key, help) ud_out_fmt(&o, ",\"" key "\":%llu", (unsigned long long)s.m);
    UD_COUNTERS(JSON)
#undef JSON
    ud_out_str(&o, "}\n");
  } else {
    ud_out_str(&o, "undead: checked:");
#define TEXT(m, key, help) ud_out_fmt(&o, " " key "=%llu", (unsigned long long)s.m);
    UD_COUNTERS(TEXT)
#undef TEXT
    ud_out_str(&o, "\n");
  }
  ud_out_flush(&o);
  if (fd > 2)
    close(fd);
}
