/* report_groups: reports grouped by signature as they are read, in memory
 * that grows with the distinct violations (one report kept per signature)
 * and the distinct processes (a pid each), never with the reports. */
#ifndef UNDEAD_REPORT_GROUPS_H
#define UNDEAD_REPORT_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

typedef struct ud_group {
  char sig[UD_SIGNATURE_MAX];
  uint64_t hash;       /* FNV-1a 64 of sig */
  ud_report rep;       /* the earliest report: by time_ns, else input order */
  char *file;          /* where that report was read */
  long line;
  size_t count;
  int32_t *pids;       /* distinct, in order of appearance */
  size_t npids, pidcap;
} ud_group;

typedef struct ud_groups {
  ud_group **g;        /* in order of first appearance */
  size_t n, cap;
  size_t *by_hash;     /* open addressing: index + 1 into g, 0 empty */
  size_t nslots;
  uint64_t *pids;      /* open addressing: (group + 1, pid) pairs, and
                          (UINT32_MAX, pid) for every process; 0 empty */
  size_t npidslots, npidkeys;
  size_t reports, processes;
} ud_groups;

/* Adds one report read from file:line. False: out of memory, and the
 * report is not counted. */
bool ud_groups_add(ud_groups *s, const ud_report *r, const char *file, long line);
void ud_groups_free(ud_groups *s);

#endif
