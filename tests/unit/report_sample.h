/* report_sample: filled-in reports for the renderer tests, shaped like the
 * ones the shim writes for the seed bug (runtime.cgocall, slot arg). */
#ifndef UNDEAD_REPORT_SAMPLE_H
#define UNDEAD_REPORT_SAMPLE_H

#include "report.h"

/* variant 0: undead-pointer at a stack growth; 1: the same defect seen in
 * another process (other pid/addresses, same signature); 2: a
 * stale-syscall-sp at a callback return; 3: hostile strings (quotes,
 * control characters, invalid UTF-8, non-ASCII); 4: strings as long as the
 * model holds (a 4095-byte binary path, a GOEXPERIMENT Go version); 5: a
 * left-stack-access (a write by cmd/cgo's C wrapper, caught at the access). */
void ud_sample_report(ud_report *r, int variant);

#endif
