/* The release table (goversion.h): well-formed rows, one version scale,
 * lookups exact for listed releases and newest-with-checks beyond them; the
 * layout rows consistent with the structs they describe. (Their values are
 * checked against real DWARF by tests/e2e/layout_sources.sh.) */
#include <stdio.h>
#include <string.h>

#include "goversion.h"
#include "layout.h"

#include "check.h"

int main(void) {
  size_t n, nf;
  const ud_goversion *rows = ud_goversion_rows(&n);
  const ud_layout_field *fields = ud_layout_fields(&nf);
  CHECK(n >= 6);
  CHECK(rows[0].version == UD_GO(1, 19));
  for (size_t i = 0; i < n; i++) {
    const ud_goversion *v = &rows[i];
    if (i > 0)
      CHECK(v->version == rows[i - 1].version + 1); /* every release, in order */
    /* moduledata: rodata just before gofunc; types before etypes */
    CHECK(v->md_gofunc == v->md_rodata + 8);
    CHECK(v->md_types < v->md_etypes && v->md_etypes < v->md_rodata);
    CHECK(v->md_epclntab == 0 || v->md_epclntab == v->md_gofunc + 8);
    if (i > 0 && rows[i - 1].md_epclntab != 0)
      CHECK(v->md_epclntab != 0); /* a field once added stays */
    CHECK(v->switch_pc_off == (v->version < UD_GO(1, 21) ? 0 : 8));
    bool exact = false;
    CHECK(ud_goversion_find(v->version, &exact) == v && exact);
    CHECK(!v->tested || v->layout != NULL);
    if (v->layout == NULL)
      continue;
    const ud_layout *l = v->layout;
    /* runtime.stack is {lo, hi uintptr}; gobuf starts with sp, pc */
    CHECK(l->g_stack_hi == l->g_stack_lo + 8);
    CHECK(l->g_sched_pc == l->g_sched_sp + 8);
    CHECK(l->g_sched_bp == l->g_syscallsp - 8);
    CHECK(l->g_syscallpc == l->g_syscallsp + 8);
    CHECK(l->g_syscallbp == -1 || l->g_syscallbp == l->g_syscallpc + 8);
    CHECK((l->g_syscallbp != -1) == (v->version >= UD_GO(1, 23)));
    for (size_t k = 0; k < nf; k++) {
      int32_t off = ud_layout_get(l, &fields[k]);
      CHECK(off == -1 ? fields[k].optional : off >= 0 && off % fields[k].width == 0);
    }
    ud_layout got;
    ud_err err = {0};
    CHECK(ud_layout_from_table(v->version, &got, &err) == UD_OK);
    CHECK(ud_layout_diff(&got, l) == NULL);
    char want[32], vb[16];
    snprintf(want, sizeof want, "table go%s", ud_goversion_name(v->version, vb, sizeof vb));
    CHECK(strcmp(got.source, want) == 0);
  }
  bool exact = true;
  CHECK(ud_goversion_find(UD_GO(1, 18), &exact) == NULL);
  CHECK(ud_goversion_find(0, &exact) == NULL);
  const ud_goversion *next = ud_goversion_find(rows[n - 1].version + 1, &exact);
  CHECK(next == &rows[n - 1] && !exact);
  ud_layout got;
  ud_err err = {0};
  CHECK(ud_layout_from_table(UD_GO(1, 18), &got, &err) == UD_E_NOT_FOUND);
  CHECK(strstr(err.msg, "1.18") != NULL);
  CHECK(ud_layout_from_table(0, &got, &err) == UD_E_UNSUPPORTED);
  CHECK(ud_layout_from_table(rows[n - 1].version + 1, &got, &err) == UD_E_NOT_FOUND);
  return check_status();
}
