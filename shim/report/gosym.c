/* gosym: Go symbols for report frames. */
#include "gosym.h"

void ud_symbolize_go(const ud_pclntab *tab, uint64_t bias, uint64_t pc, int ret,
                     ud_report_frame *fr) {
  ud_func f;
  fr->pc = pc;
  if (pc < bias || !ud_pclntab_find_func(tab, pc - bias, &f))
    return;
  /* A return address names its call (pc - 1), unless that falls outside
   * the function: runtime.systemstack_switch+8 as saved by asmcgocall. */
  uint64_t look = pc - bias;
  if (ret && look - 1 >= f.entry)
    look--;
  const char *name = ud_func_name(&f);
  ud_str_fmt(fr->func, sizeof fr->func, "%s", name ? name : "?");
  const char *file;
  int32_t line;
  if (ud_func_fileline(&f, look, &file, &line)) {
    ud_str_fmt(fr->file, sizeof fr->file, "%s", file);
    fr->line = line;
  }
}
