/* The built-in layout tables: well-formed, looked up by exact version only.
 * (Their values are checked against real DWARF by tests/e2e/layout_tables.sh.) */
#include <stdio.h>
#include <string.h>

#include "layout.h"

#include "check.h"


int main(void) {
  size_t n;
  const ud_layout_table_entry *t = ud_layout_tables(&n);
  CHECK(n >= 2);
  bool have119 = false, have126 = false;
  for (size_t i = 0; i < n; i++) {
    const ud_layout *l = &t[i].layout;
    have119 |= t[i].go_minor == 119;
    have126 |= t[i].go_minor == 126;
    for (size_t j = 0; j < i; j++)
      CHECK(t[j].go_minor != t[i].go_minor);
    /* runtime.stack is {lo, hi uintptr}; gobuf starts with sp, pc */
    CHECK(l->g_stack_hi == l->g_stack_lo + 8);
    CHECK(l->g_sched_pc == l->g_sched_sp + 8);
    CHECK(l->g_sched_bp > l->g_sched_pc);
    CHECK(l->g_syscallpc == l->g_syscallsp + 8);
    CHECK(l->g_syscallbp == -1 || l->g_syscallbp == l->g_syscallpc + 8);
    CHECK((l->g_syscallbp != -1) == (t[i].go_minor >= 123));
    const int32_t words[] = {l->g_stack_lo, l->g_stackguard0, l->g_sched_sp, l->g_syscallsp,
                             l->g_m, l->g_goid, l->m_g0, l->m_curg};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
      CHECK(words[k] >= 0 && words[k] % 8 == 0);
    CHECK(l->g_atomicstatus >= 0 && l->g_atomicstatus % 4 == 0);
    char want[32];
    snprintf(want, sizeof want, "table go%d.%d", t[i].go_minor / 100, t[i].go_minor % 100);
    CHECK(strcmp(l->source, want) == 0);

    ud_layout got;
    ud_err err = {0};
    got.tls_g_offset = -8;
    CHECK(ud_layout_from_table(t[i].go_minor, &got, &err) == UD_OK);
    CHECK(got.m_curg == l->m_curg && got.g_syscallsp == l->g_syscallsp);
    CHECK(got.tls_g_offset == -8); /* the table never supplies the TLS slot */
  }
  CHECK(have119 && have126);
  ud_layout got;
  ud_err err = {0};
  CHECK(ud_layout_from_table(118, &got, &err) == UD_E_UNSUPPORTED);
  CHECK(strstr(err.msg, "1.18") != NULL && strstr(err.msg, "1.19") != NULL);
  CHECK(ud_layout_from_table(0, &got, &err) == UD_E_UNSUPPORTED);
  CHECK(ud_layout_from_table(128, &got, &err) == UD_E_UNSUPPORTED);
  if (failures) {
    fprintf(stderr, "test_layout_tables: %d failure(s)\n", failures);
    return 1;
  }
  printf("test_layout_tables: ok\n");
  return 0;
}
