/* layout_probe BINARY: prints what the core reads of the runtime layout, one
 * key=value a line, for tests/e2e/layout_sources.sh to compare against an
 * independent reading of the DWARF (gdb) and between the sources:
 *   release=N          (goversion.h's scale: 119 for Go 1.19)
 *   fields=g_stack_lo:g:stack.lo ... (member:struct:path, every field read)
 *   types.FIELD=N ...  (or types.error=...), types.where=...
 *   dwarf.FIELD=N ...  (or dwarf.error=...)
 *   table.FIELD=N ...  (or table.error=...)
 *   load.FIELD=N ..., load.source=..., load.agreed=...
 *   (or load.error=...)
 * layout_probe --rows: the releases whose table rows are marked tested. */
#include <stdio.h>
#include <string.h>

#include "goversion.h"
#include "image.h"
#include "layout.h"
#include "pclntab.h"

static void print(const char *prefix, const ud_layout *l) {
  size_t n;
  const ud_layout_field *f = ud_layout_fields(&n);
  for (size_t i = 0; i < n; i++)
    printf("%s.%s=%d\n", prefix, f[i].member, ud_layout_get(l, &f[i]));
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--rows") == 0) {
    size_t n;
    const ud_goversion *rows = ud_goversion_rows(&n);
    for (size_t i = 0; i < n; i++)
      if (rows[i].tested)
        printf("%d\n", rows[i].version);
    return 0;
  }
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
  printf("release=%d\n", ud_image_go_release(img));
  size_t n;
  const ud_layout_field *f = ud_layout_fields(&n);
  printf("fields=");
  for (size_t i = 0; i < n; i++)
    printf("%s%s:%c:%s", i ? " " : "", f[i].member, f[i].st == UD_STRUCT_G ? 'g' : 'm', f[i].path);
  printf("\n");
  ud_pclntab *tab = ud_pclntab_open(img, &err);
  if (tab == NULL) {
    printf("load.error=%s\n", err.msg);
    ud_image_close(img);
    return 0;
  }
  ud_layout l;
  ud_layout_sources src;
  int rc = ud_layout_load(img, tab, &l, &src, &err);
  static const char *const prefix[UD_LSRC_COUNT] = {"types", "dwarf", "table"};
  for (int i = 0; i < UD_LSRC_COUNT; i++) {
    if (src.ok[i])
      print(prefix[i], &src.each[i]);
    else
      printf("%s.error=%s\n", prefix[i], src.why[i]);
  }
  printf("types.where=%s\n", src.where);
  if (rc == UD_OK) {
    print("load", &l);
    printf("load.source=%s\nload.agreed=%s\n", l.source, l.agreed);
  } else {
    printf("load.error=%s\n", err.msg);
  }
  ud_pclntab_close(tab);
  ud_image_close(img);
  return 0;
}
