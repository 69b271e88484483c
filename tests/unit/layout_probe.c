/* layout_probe BINARY: prints what the core reads of the runtime layout, one
 * key=value a line, for tests/e2e/layout_tables.sh to compare against an
 * independent reading of the DWARF (gdb) and against the tables:
 *   go_minor=N
 *   tables=119,126 (the Go versions the built-in tables cover)
 *   dwarf.FIELD=N ... (or dwarf.error=...)
 *   table.FIELD=N ... (or table.error=...)
 *   load.FIELD=N ..., load.source=..., load.tls_g_offset=N (or load.error=...) */
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "layout.h"
#include "pclntab.h"

static void print(const char *prefix, const ud_layout *l) {
  printf("%s.g_stack_lo=%d\n%s.g_stack_hi=%d\n%s.g_stackguard0=%d\n", prefix, l->g_stack_lo,
         prefix, l->g_stack_hi, prefix, l->g_stackguard0);
  printf("%s.g_sched_sp=%d\n%s.g_sched_pc=%d\n%s.g_sched_bp=%d\n", prefix, l->g_sched_sp, prefix,
         l->g_sched_pc, prefix, l->g_sched_bp);
  printf("%s.g_syscallsp=%d\n%s.g_syscallpc=%d\n%s.g_syscallbp=%d\n", prefix, l->g_syscallsp,
         prefix, l->g_syscallpc, prefix, l->g_syscallbp);
  printf("%s.g_m=%d\n%s.g_atomicstatus=%d\n%s.g_goid=%d\n", prefix, l->g_m, prefix,
         l->g_atomicstatus, prefix, l->g_goid);
  printf("%s.m_g0=%d\n%s.m_curg=%d\n", prefix, l->m_g0, prefix, l->m_curg);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: layout_probe BINARY\n");
    return 2;
  }
  ud_err err = {0};
  ud_image *img = ud_image_open(argv[1], &err);
  if (img == NULL) {
    fprintf(stderr, "layout_probe: %s\n", err.msg);
    return 2;
  }
  printf("go_minor=%d\n", ud_image_go_minor(img));
  size_t nt;
  const ud_layout_table_entry *t = ud_layout_tables(&nt);
  printf("tables=");
  for (size_t i = 0; i < nt; i++)
    printf("%s%d", i ? "," : "", t[i].go_minor);
  printf("\n");
  ud_layout l;
  memset(&l, 0, sizeof l);
  if (ud_layout_from_dwarf(img, &l, &err) == UD_OK)
    print("dwarf", &l);
  else
    printf("dwarf.error=%s\n", err.msg);
  if (ud_layout_from_table(ud_image_go_minor(img), &l, &err) == UD_OK)
    print("table", &l);
  else
    printf("table.error=%s\n", err.msg);
  ud_pclntab *tab = ud_pclntab_open(img, &err);
  if (tab == NULL) {
    printf("load.error=%s\n", err.msg);
  } else if (ud_layout_load(img, tab, &l, &err) == UD_OK) {
    print("load", &l);
    printf("load.source=%s\nload.tls_g_offset=%lld\n", l.source, (long long)l.tls_g_offset);
  } else {
    printf("load.error=%s\n", err.msg);
  }
  ud_pclntab_close(tab);
  ud_image_close(img);
  return 0;
}
