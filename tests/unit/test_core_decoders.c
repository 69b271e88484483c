/* The image, pclntab and stackmap decoders on hand-made ELF files whose
 * tables are encoded here byte by byte, in both function table formats
 * (Go 1.18/1.19 magic 0xfffffff0, Go 1.20+ 0xfffffff1), with the expected
 * answers worked out from the runtime's rules (see stackmap.h); plus files
 * that must be refused. Real binaries are checked against the runtime
 * itself by tests/e2e/oracle_runtime.sh. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "goversion.h"
#include "image.h"
#include "pclntab.h"
#include "stackmap.h"

#include "check.h"


#define BASE 0x400000u
#define TEXT 0x100u  /* two functions of 0x40 bytes */
#define GOFUNC 0x200u
#define PCLN 0x400u
#define MODDATA 0x800u
#define BUILDINFO 0x9a0u /* past moduledata's bytes read (400) */
#define SHSTR 0xa00u
#define SHDRS 0xa40u
#define FILE_SIZE (SHDRS + 4 * 64)

static uint8_t img_buf[FILE_SIZE];

static void put32(uint32_t off, uint32_t v) { memcpy(img_buf + off, &v, 4); }
static void put64(uint32_t off, uint64_t v) { memcpy(img_buf + off, &v, 8); }
static void putb(uint32_t off, const void *p, size_t n) { memcpy(img_buf + off, p, n); }

/* Builds the file for one format and release (UD_GO scale); returns the
 * path written. */
static const char *build(uint32_t magic, int release, const char *path) {
  memset(img_buf, 0, sizeof img_buf);
  bool go120 = magic == 0xfffffff1u;
  uint32_t fsz = go120 ? 44 : 40;

  Elf64_Ehdr eh = {0};
  memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_entry = BASE + TEXT;
  eh.e_phoff = 64;
  eh.e_shoff = SHDRS;
  eh.e_ehsize = 64;
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 1;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 4;
  eh.e_shstrndx = 3;
  putb(0, &eh, sizeof eh);
  Elf64_Phdr ph = {PT_LOAD, PF_R | PF_W | PF_X, 0, BASE, BASE, FILE_SIZE, FILE_SIZE, 0x1000};
  putb(64, &ph, sizeof ph);
  memset(img_buf + TEXT, 0xcc, 0x80);

  /* FUNCDATA, relative to gofunc (GOFUNC): args map {n=2, nbit=2; 0b11,
   * 0b01}, locals map {n=2, nbit=3; 0b101, 0b010}, stack objects {1;
   * off=-16 size=8 ptrdata=8}. */
  put32(GOFUNC + 0x00, 2), put32(GOFUNC + 0x04, 2), img_buf[GOFUNC + 8] = 3, img_buf[GOFUNC + 9] = 1;
  put32(GOFUNC + 0x10, 2), put32(GOFUNC + 0x14, 3), img_buf[GOFUNC + 0x18] = 5, img_buf[GOFUNC + 0x19] = 2;
  put64(GOFUNC + 0x20, 1), put32(GOFUNC + 0x28, (uint32_t)-16), put32(GOFUNC + 0x2c, 8),
      put32(GOFUNC + 0x30, 8);

  /* pclntab: header, then the tables at these offsets from it. */
  const uint32_t o_names = 72, o_cu = 96, o_file = 104, o_pc = 112, o_pcln = 160;
  put32(PCLN, magic);
  img_buf[PCLN + 6] = 1, img_buf[PCLN + 7] = 8;
  put64(PCLN + 8, 2);                         /* nfunc */
  put64(PCLN + 16, 1);                        /* nfiles */
  put64(PCLN + 24, BASE + TEXT);              /* textStart */
  put64(PCLN + 32, o_names), put64(PCLN + 40, o_cu), put64(PCLN + 48, o_file);
  put64(PCLN + 56, o_pc), put64(PCLN + 64, o_pcln);
  putb(PCLN + o_names, "main.f\0main.g\0go.f\0\0\0\0\0\0\0\0\0\0", 24);
  put32(PCLN + o_cu, 0), put32(PCLN + o_cu + 4, 0);
  putb(PCLN + o_file, "main.go\0", 8);
  /* pcvalue tables (value delta zig-zag, pc delta): offset 0 means "none". */
  static const uint8_t sp_f[] = {0x02, 0x04, 0x40, 0x38, 0x3f, 0x04, 0x00};  /* 0@0 32@4 0@3c */
  static const uint8_t idx_f[] = {0x00, 0x10, 0x02, 0x10, 0x02, 0x20, 0x00}; /* -1 0 1 */
  static const uint8_t file_f[] = {0x02, 0x40, 0x00};                        /* 0 */
  static const uint8_t line_f[] = {0x16, 0x20, 0x02, 0x20, 0x00};            /* 10, 11 */
  static const uint8_t sp_g[] = {0x02, 0x40, 0x00};                          /* 0 */
  uint32_t p = o_pc + 1, t_sp_f = p;
  putb(PCLN + p, sp_f, sizeof sp_f), p += sizeof sp_f;
  uint32_t t_idx_f = p;
  putb(PCLN + p, idx_f, sizeof idx_f), p += sizeof idx_f;
  uint32_t t_file = p;
  putb(PCLN + p, file_f, sizeof file_f), p += sizeof file_f;
  uint32_t t_line = p;
  putb(PCLN + p, line_f, sizeof line_f), p += sizeof line_f;
  uint32_t t_sp_g = p;
  putb(PCLN + p, sp_g, sizeof sp_g), p += sizeof sp_g;
  if (p > o_pcln)
    abort();
  /* ftab[3] then the two _func records. */
  uint32_t ft = PCLN + o_pcln, f0 = 24, f1 = f0 + fsz + 4 * (2 + 3);
  put32(ft + 0, 0x00), put32(ft + 4, f0);
  put32(ft + 8, 0x40), put32(ft + 12, f1);
  put32(ft + 16, 0x80), put32(ft + 20, 0);
  /* main.f: args 16, npcdata 2 (no UnsafePoint table), nfuncdata 3 */
  uint32_t r = ft + f0;
  put32(r + 0, 0x00), put32(r + 4, 0), put32(r + 8, 16);
  put32(r + 16, t_sp_f - o_pc), put32(r + 20, t_file - o_pc), put32(r + 24, t_line - o_pc);
  put32(r + 28, 2), put32(r + 32, 0);
  img_buf[r + fsz - 1] = 3;
  put32(r + fsz + 0, 0), put32(r + fsz + 4, t_idx_f - o_pc);
  put32(r + fsz + 8, 0x00), put32(r + fsz + 12, 0x10), put32(r + fsz + 16, 0x20);
  /* main.g: args 4 (less than a word), frameless, no FUNCDATA */
  r = ft + f1;
  put32(r + 0, 0x40), put32(r + 4, 7), put32(r + 8, 4);
  put32(r + 16, t_sp_g - o_pc), put32(r + 20, t_file - o_pc), put32(r + 24, t_line - o_pc);
  img_buf[r + fsz - 1] = 0;

  /* moduledata: found by its first two words; gofunc and types at the
   * offsets of the release's row */
  bool exact;
  const ud_goversion *v = ud_goversion_find(release, &exact);
  if (v == NULL || !exact)
    abort();
  put64(MODDATA, BASE + PCLN), put64(MODDATA + 8, BASE + PCLN + o_names);
  put64(MODDATA + v->md_gofunc, BASE + GOFUNC);
  /* the neighbours that check that offset: rodata before it and, where
   * the release has one, epclntab after it */
  put64(MODDATA + v->md_rodata, BASE + GOFUNC);
  if (v->md_epclntab)
    put64(MODDATA + v->md_epclntab, BASE + MODDATA);
  /* the build info that names the release, where debug/buildinfo finds it */
  char ver[16];
  int vlen = snprintf(ver, sizeof ver, "go%d.%d.1", release / 100, release % 100);
  putb(BUILDINFO, "\xff Go buildinf:", 14);
  img_buf[BUILDINFO + 14] = 8, img_buf[BUILDINFO + 15] = 2, img_buf[BUILDINFO + 32] = (uint8_t)vlen;
  putb(BUILDINFO + 33, ver, (size_t)vlen);

  /* sections: null, .text, .gopclntab, .shstrtab */
  putb(SHSTR, "\0.text\0.gopclntab\0.shstrtab\0", 29);
  Elf64_Shdr sh[4] = {{0}};
  sh[1] = (Elf64_Shdr){1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, BASE + TEXT, TEXT, 0x80, 0, 0, 16, 0};
  sh[2] = (Elf64_Shdr){7, SHT_PROGBITS, SHF_ALLOC, BASE + PCLN, PCLN, 0x400, 0, 0, 8, 0};
  sh[3] = (Elf64_Shdr){18, SHT_STRTAB, 0, 0, SHSTR, 29, 0, 0, 1, 0};
  putb(SHDRS, sh, sizeof sh);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(img_buf, 1, FILE_SIZE, f) != FILE_SIZE || fclose(f) != 0)
    abort();
  return path;
}

static bool has_slot(const ud_live_slot *s, size_t n, int kind, int32_t off) {
  for (size_t i = 0; i < n; i++)
    if (s[i].kind == kind && s[i].sp_off == off)
      return true;
  return false;
}

static void test_format(uint32_t magic, int release, const char *path) {
  ud_err err = {0};
  ud_image *img = ud_image_open(build(magic, release, path), &err);
  CHECK(img != NULL);
  if (!img) {
    fprintf(stderr, "  %s\n", err.msg);
    return;
  }
  CHECK(!ud_image_is_pie(img) && !ud_image_is_dynamic(img) && !ud_image_has_symtab(img));
  CHECK(ud_image_go_version(img) != NULL && ud_image_go_release(img) == release);
  const uint8_t *text = ud_image_at(img, BASE + TEXT, 0x80);
  CHECK(text && text[0] == 0xcc && text[0x7f] == 0xcc);
  CHECK(ud_image_at(img, BASE + FILE_SIZE - 4, 8) == NULL);
  ud_pclntab *tab = ud_pclntab_open(img, &err);
  CHECK(tab != NULL);
  if (!tab) {
    fprintf(stderr, "  %s\n", err.msg);
    ud_image_close(img);
    return;
  }
  CHECK(ud_pclntab_magic(tab) == magic);
  CHECK(ud_pclntab_nfuncs(tab) == 2);
  CHECK(ud_pclntab_text_start(tab) == BASE + TEXT);
  CHECK(ud_pclntab_gofunc(tab) == BASE + GOFUNC);

  ud_func f, g, h;
  uint64_t e = BASE + TEXT;
  CHECK(ud_pclntab_find_func(tab, e + 0x3f, &f) && f.entry == e && f.end == e + 0x40);
  CHECK(!strcmp(ud_func_name(&f), "main.f") && ud_func_args(&f) == 16);
  CHECK(ud_pclntab_find_func(tab, e + 0x40, &g) && !strcmp(ud_func_name(&g), "main.g"));
  CHECK(!ud_pclntab_find_func(tab, e + 0x80, &h) && !ud_pclntab_find_func(tab, e - 1, &h));
  CHECK(ud_pclntab_func_by_name(tab, "main.g", &h) && h.entry == e + 0x40);
  CHECK(!ud_pclntab_func_by_name(tab, "main.h", &h));

  int32_t v = 99;
  CHECK(ud_func_spdelta(&f, e, &v) && v == 0);
  CHECK(ud_func_spdelta(&f, e + 4, &v) && v == 32);
  CHECK(ud_func_spdelta(&f, e + 0x3b, &v) && v == 32);
  CHECK(ud_func_spdelta(&f, e + 0x3c, &v) && v == 0);
  CHECK(!ud_func_spdelta(&f, e + 0x40, &v));
  CHECK(ud_func_pcdata(&f, UD_PCDATA_StackMapIndex, e + 0xf, &v) && v == -1);
  CHECK(ud_func_pcdata(&f, UD_PCDATA_StackMapIndex, e + 0x10, &v) && v == 0);
  CHECK(ud_func_pcdata(&f, UD_PCDATA_StackMapIndex, e + 0x20, &v) && v == 1);
  CHECK(!ud_func_pcdata(&f, UD_PCDATA_UnsafePoint, e + 0x20, &v));  /* offset 0: none */
  CHECK(!ud_func_pcdata(&f, UD_PCDATA_InlTreeIndex, e + 0x20, &v)); /* >= npcdata */
  const char *file = NULL;
  CHECK(ud_func_fileline(&f, e + 0x1f, &file, &v) && !strcmp(file, "main.go") && v == 10);
  CHECK(ud_func_fileline(&f, e + 0x20, &file, &v) && v == 11);

  ud_live_slot s[16];
  size_t n;
  ud_frame_layout fr;
  /* At the entry: index 0 whatever the table says, no frame, args at fp = sp+8. */
  CHECK(ud_stackmap_live_at(&f, e, &fr, s, 16, &n, &err) == UD_OK);
  CHECK(fr.spdelta == 0 && fr.fp_off == 8 && fr.varp_off == 0 && fr.stackmap_index == 0);
  CHECK(n == 2 && fr.nlocals == 0 && fr.nargs == 2);
  CHECK(has_slot(s, n, UD_SLOT_ARG, 8) && has_slot(s, n, UD_SLOT_ARG, 16));
  /* Return address e+0x10: the CALL is at e+0xf, index -1, read as 0.
   * Frame: fp = sp+40, varp = fp-8-8 = sp+24, locals [sp+0, sp+24). */
  CHECK(ud_stackmap_live_at(&f, e + 0x10, &fr, s, 16, &n, &err) == UD_OK);
  CHECK(fr.fp_off == 40 && fr.varp_off == 24 && fr.argp_off == 40 && fr.stackmap_index == 0);
  CHECK(n == 4 && fr.nlocals == 3 && fr.nargs == 2);
  CHECK(has_slot(s, n, UD_SLOT_LOCAL, 0) && has_slot(s, n, UD_SLOT_LOCAL, 16));
  CHECK(has_slot(s, n, UD_SLOT_ARG, 40) && has_slot(s, n, UD_SLOT_ARG, 48));
  CHECK(s[0].kind == UD_SLOT_LOCAL && s[0].sp_off == 0 && s[3].kind == UD_SLOT_ARG);
  /* e+0x20: CALL at e+0x1f still index 0; e+0x21: index 1. */
  CHECK(ud_stackmap_live_at(&f, e + 0x20, &fr, s, 16, &n, &err) == UD_OK && fr.stackmap_index == 0);
  CHECK(ud_stackmap_live_at(&f, e + 0x21, &fr, s, 16, &n, &err) == UD_OK);
  CHECK(fr.stackmap_index == 1 && n == 2);
  CHECK(has_slot(s, n, UD_SLOT_LOCAL, 8) && has_slot(s, n, UD_SLOT_ARG, 40));
  /* Capacity: the total is reported even when it does not fit. */
  CHECK(ud_stackmap_live_at(&f, e + 0x10, &fr, s, 1, &n, &err) == UD_OK && n == 4);
  ud_stack_object o[4];
  CHECK(ud_stackmap_objects(&f, e + 0x10, o, 4, &n, &err) == UD_OK && n == 1);
  CHECK(o[0].sp_off == 24 - 16 && o[0].size == 8 && o[0].ptrdata == 8);

  /* main.g: 4 bytes of args and no args map. Go 1.20+ consults the map only
   * for args/8 > 0 words; Go 1.18/1.19 whenever args != 0, and throws. */
  int rc = ud_stackmap_live_at(&g, g.entry + 8, &fr, s, 16, &n, &err);
  if (magic == 0xfffffff1u) {
    CHECK(rc == UD_OK && n == 0);
  } else {
    CHECK(rc == UD_E_CORRUPT && strstr(err.msg, "missing stackmap"));
  }
  ud_pclntab_close(tab);
  ud_image_close(img);
}

static void expect_open_error(const char *path, enum ud_status want_img, enum ud_status want_tab,
                              const char *want_msg) {
  ud_err err = {0};
  ud_image *img = ud_image_open(path, &err);
  if (want_img != UD_OK) {
    CHECK(img == NULL && err.status == want_img);
  } else {
    CHECK(img != NULL);
    ud_pclntab *tab = img ? ud_pclntab_open(img, &err) : NULL;
    CHECK(tab == NULL && err.status == want_tab);
    ud_pclntab_close(tab);
    ud_image_close(img);
  }
  if (want_msg && !strstr(err.msg, want_msg)) {
    fprintf(stderr, "  message '%s' lacks '%s'\n", err.msg, want_msg);
    failures++;
  }
}

static void write_file(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
    abort();
}

static void test_bad(const char *path) {
  write_file(path, "", 0);
  expect_open_error(path, UD_E_NOT_ELF, UD_OK, "not an ELF file");
  write_file(path, "#!/bin/sh\necho hi\n", 18);
  expect_open_error(path, UD_E_NOT_ELF, UD_OK, "not an ELF file");
  build(0xfffffff1u, UD_GO(1, 26), path);
  write_file(path, img_buf, 40);
  expect_open_error(path, UD_E_CORRUPT, UD_OK, "truncated");
  write_file(path, img_buf, SHDRS + 10);
  expect_open_error(path, UD_E_CORRUPT, UD_OK, "truncated");
  build(0xfffffffau, UD_GO(1, 26), path);
  expect_open_error(path, UD_OK, UD_E_UNSUPPORTED, "unsupported Go version (pclntab magic 0xfffffffa)");
  build(0xfffffff0u, UD_GO(1, 19), path);
  img_buf[PCLN + 7] = 4; /* 32-bit pointers */
  write_file(path, img_buf, FILE_SIZE);
  expect_open_error(path, UD_OK, UD_E_UNSUPPORTED, "ptrSize 4");
  build(0xfffffff0u, UD_GO(1, 19), path);
  put64(PCLN + 8, 1u << 30); /* nfunc beyond the table */
  write_file(path, img_buf, FILE_SIZE);
  expect_open_error(path, UD_OK, UD_E_CORRUPT, "truncated");
  build(0xfffffff0u, UD_GO(1, 19), path);
  put64(PCLN + 64, 0x10000); /* pclnOffset beyond the section */
  write_file(path, img_buf, FILE_SIZE);
  expect_open_error(path, UD_OK, UD_E_CORRUPT, "inconsistent");
  /* A C program: an ELF, but no Go function table. */
  expect_open_error("/proc/self/exe", UD_OK, UD_E_NOT_GO, "not a Go program");
}

int main(int argc, char **argv) {
  /* scripts/fuzz takes these small, dense files as extra seeds. */
  if (argc == 3 && !strcmp(argv[1], "--write-seeds")) {
    char p[4096];
    snprintf(p, sizeof p, "%s/synthetic-go118", argv[2]);
    build(0xfffffff0u, UD_GO(1, 19), p);
    snprintf(p, sizeof p, "%s/synthetic-go120", argv[2]);
    build(0xfffffff1u, UD_GO(1, 26), p);
    return 0;
  }
  char path[] = "/tmp/undead-test-core-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return 99;
  close(fd);
  test_format(0xfffffff0u, UD_GO(1, 19), path);
  test_format(0xfffffff1u, UD_GO(1, 21), path); /* gofunc below the pcHeader */
  test_format(0xfffffff1u, UD_GO(1, 26), path); /* gofunc below epclntab */
  test_format(0xfffffff1u, UD_GO(1, 27), path); /* moduledata grew */
  test_bad(path);
  unlink(path);
  return check_status();
}
