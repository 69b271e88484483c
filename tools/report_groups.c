/* report_groups: two open-addressing hash tables (signature -> group, and
 * the set of (group, pid) pairs) keep adding a report O(1) whatever the
 * number of reports and processes. */
#include "report_groups.h"

#include <stdlib.h>
#include <string.h>

/* Grows an array of n elements of `size` bytes to hold at least want. */
static bool grow(void *pp, size_t *cap, size_t want, size_t size) {
  if (want <= *cap)
    return true;
  size_t c = *cap ? *cap : 4;
  while (c < want)
    c *= 2;
  void *q = realloc(*(void **)pp, c * size);
  if (q == NULL)
    return false;
  *(void **)pp = q;
  *cap = c;
  return true;
}

static uint64_t mix(uint64_t k) { /* a 64-bit finalizer (splitmix64) */
  k ^= k >> 30;
  k *= 0xbf58476d1ce4e5b9ULL;
  k ^= k >> 27;
  k *= 0x94d049bb133111ebULL;
  return k ^ (k >> 31);
}

/* The pid set: true if key was already there; false (and *nomem) if it
 * could not be added. */
static bool pid_seen(ud_groups *s, uint64_t key, bool *nomem) {
  if ((s->npidkeys + 1) * 2 > s->npidslots) {
    size_t n = s->npidslots ? s->npidslots * 2 : 256;
    uint64_t *t = calloc(n, sizeof *t);
    if (t == NULL) {
      *nomem = true;
      return false;
    }
    for (size_t i = 0; i < s->npidslots; i++) {
      uint64_t k = s->pids[i];
      if (k == 0)
        continue;
      size_t j = mix(k) & (n - 1);
      while (t[j] != 0)
        j = (j + 1) & (n - 1);
      t[j] = k;
    }
    free(s->pids);
    s->pids = t;
    s->npidslots = n;
  }
  size_t j = mix(key) & (s->npidslots - 1);
  for (; s->pids[j] != 0; j = (j + 1) & (s->npidslots - 1))
    if (s->pids[j] == key)
      return true;
  s->pids[j] = key;
  s->npidkeys++;
  return false;
}

/* The index of the group of signature sig, or SIZE_MAX. */
static size_t find(const ud_groups *s, const char *sig, uint64_t hash) {
  if (s->nslots == 0)
    return SIZE_MAX;
  for (size_t j = hash & (s->nslots - 1); s->by_hash[j] != 0; j = (j + 1) & (s->nslots - 1)) {
    const ud_group *g = s->g[s->by_hash[j] - 1];
    if (g->hash == hash && strcmp(g->sig, sig) == 0)
      return s->by_hash[j] - 1;
  }
  return SIZE_MAX;
}

static bool index_all(ud_groups *s, size_t nslots) {
  size_t *t = calloc(nslots, sizeof *t);
  if (t == NULL)
    return false;
  for (size_t i = 0; i < s->n; i++) {
    size_t j = s->g[i]->hash & (nslots - 1);
    while (t[j] != 0)
      j = (j + 1) & (nslots - 1);
    t[j] = i + 1;
  }
  free(s->by_hash);
  s->by_hash = t;
  s->nslots = nslots;
  return true;
}

static bool set_first(ud_group *g, const ud_report *r, const char *file, long line) {
  size_t n = strlen(file) + 1;
  char *f = malloc(n);
  if (f == NULL)
    return false;
  memcpy(f, file, n);
  free(g->file);
  g->file = f;
  g->line = line;
  g->rep = *r;
  return true;
}

static ud_group *new_group(ud_groups *s, const ud_report *r, const char *sig, uint64_t hash,
                           const char *file, long line) {
  if ((s->n + 1) * 2 > s->nslots && !index_all(s, s->nslots ? s->nslots * 2 : 64))
    return NULL;
  if (!grow(&s->g, &s->cap, s->n + 1, sizeof *s->g))
    return NULL;
  ud_group *g = calloc(1, sizeof *g);
  if (g == NULL)
    return NULL;
  if (!set_first(g, r, file, line)) {
    free(g);
    return NULL;
  }
  memcpy(g->sig, sig, sizeof g->sig);
  g->hash = hash;
  s->g[s->n++] = g;
  size_t j = hash & (s->nslots - 1);
  while (s->by_hash[j] != 0)
    j = (j + 1) & (s->nslots - 1);
  s->by_hash[j] = s->n;
  return g;
}

bool ud_groups_add(ud_groups *s, const ud_report *r, const char *file, long line) {
  char sig[UD_SIGNATURE_MAX];
  memset(sig, 0, sizeof sig);
  ud_report_signature(r, sig, sizeof sig);
  uint64_t hash = ud_signature_hash(sig);
  size_t gi = find(s, sig, hash);
  if (gi == SIZE_MAX) {
    if (new_group(s, r, sig, hash, file, line) == NULL)
      return false;
    gi = s->n - 1;
  } else if (r->time_ns != 0 && s->g[gi]->rep.time_ns != 0 && r->time_ns < s->g[gi]->rep.time_ns) {
    if (!set_first(s->g[gi], r, file, line))
      return false;
  }
  ud_group *g = s->g[gi];
  bool nomem = false;
  uint64_t pid = (uint32_t)r->pid;
  if (!pid_seen(s, (uint64_t)(gi + 1) << 32 | pid, &nomem)) {
    if (nomem || !grow(&g->pids, &g->pidcap, g->npids + 1, sizeof *g->pids))
      return false;
    g->pids[g->npids++] = r->pid;
  }
  if (!pid_seen(s, (uint64_t)UINT32_MAX << 32 | pid, &nomem)) {
    if (nomem)
      return false;
    s->processes++;
  }
  g->count++;
  s->reports++;
  return true;
}

void ud_groups_free(ud_groups *s) {
  for (size_t i = 0; i < s->n; i++) {
    free(s->g[i]->pids);
    free(s->g[i]->file);
    free(s->g[i]);
  }
  free(s->g);
  free(s->by_hash);
  free(s->pids);
  memset(s, 0, sizeof *s);
}
