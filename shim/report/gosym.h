/* gosym: a Go PC named for a report (function, file, line) from the
 * binary's function table. */
#ifndef UNDEAD_GOSYM_H
#define UNDEAD_GOSYM_H

#include <stdint.h>

#include "pclntab.h"
#include "report.h"

/* Names the run-time address pc into fr (fr->pc always; func, file and line
 * when pc is in the Go text). ret: pc is a return address, whose line is
 * that of its call (pc - 1); else pc is where the frame stopped (the
 * innermost frame, or one a signal interrupted) and is named as it is. */
void ud_symbolize_go(const ud_pclntab *tab, uint64_t bias, uint64_t pc, int ret,
                     ud_report_frame *fr);

#endif
