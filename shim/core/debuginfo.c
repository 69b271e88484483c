/* debuginfo: the image's DWARF with only the sections the core reads.
 *
 * Go links its debug sections zlib-compressed, and libdw inflates every
 * debug section it knows when it opens them. Of those, .debug_line and
 * .debug_frame (a quarter to a third of the inflated bytes of a Go binary)
 * are never read here: the core wants types (runtime.g, runtime.m) and the
 * variables of a few functions. So the sections it does read are inflated
 * once into a small in-memory ELF file of their own, and libdw opens that.
 * Start-up of the shim is dominated by this inflation, hence libdeflate
 * (two to three times zlib's speed) rather than zlib.
 *
 * A binary without DWARF of its own may have it in a separate file, where
 * distributions keep it (Debian's -dbgsym packages under
 * /usr/lib/debug/.build-id/, .gnu_debuglink, debuginfod): elfutils' libdwfl
 * finds that file, by build ID and debuglink, in the debuginfo path. Only
 * user-invoked tools may let it ask a debuginfod server (DEBUGINFOD_URLS):
 * the shim, inside a program's start-up, never goes to the network. */
#include "debuginfo.h"

#include <elf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <libdeflate.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

struct ud_debuginfo {
  uint8_t *file; /* the in-memory ELF image */
  Elf *elf;
  Dwarf *dbg;
  Dwfl *dwfl;    /* a separate debug file: libdwfl owns dbg */
  char *separate;
};

static char *debuginfo_path; /* NULL: libdwfl's default, ":.debug:/usr/lib/debug" */
static bool network_allowed;

void ud_debuginfo_configure(const char *path, bool network) {
  free(debuginfo_path);
  debuginfo_path = NULL;
  if (path != NULL) {
    size_t n = strlen(path) + 1;
    if ((debuginfo_path = malloc(n)) != NULL)
      memcpy(debuginfo_path, path, n);
  }
  network_allowed = network;
}

/* The DWARF of a separate debug file, found by libdwfl (build ID, then
 * .gnu_debuglink) for the image at path. */
static ud_debuginfo *open_separate(const char *path, ud_err *err) {
  const char *urls = getenv("DEBUGINFOD_URLS");
  if (!network_allowed && urls != NULL && urls[0] != '\0') {
    ud_fail(err, UD_E_NOT_FOUND, "no DWARF in %s (separate debug files are not looked up while "
            "DEBUGINFOD_URLS is set: that lookup may use the network)", path);
    return NULL;
  }
  static const Dwfl_Callbacks callbacks = {
      .find_elf = dwfl_build_id_find_elf,
      .find_debuginfo = dwfl_standard_find_debuginfo,
      .debuginfo_path = &debuginfo_path,
  };
  ud_debuginfo *di = calloc(1, sizeof *di);
  if (di == NULL || (di->dwfl = dwfl_begin(&callbacks)) == NULL) {
    free(di);
    ud_fail(err, UD_E_NOMEM, "out of memory");
    return NULL;
  }
  Dwfl_Module *mod = dwfl_report_offline(di->dwfl, "", path, -1);
  dwfl_report_end(di->dwfl, NULL, NULL);
  Dwarf_Addr bias;
  const char *debugfile = NULL;
  if (mod != NULL && (di->dbg = dwfl_module_getdwarf(mod, &bias)) != NULL)
    dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, &debugfile);
  size_t n = debugfile != NULL ? strlen(debugfile) + 1 : 0;
  if (di->dbg == NULL || debugfile == NULL || (di->separate = malloc(n)) == NULL) {
    ud_fail(err, UD_E_NOT_FOUND, "no DWARF in %s or in a separate debug file", path);
    di->dbg = NULL;
    ud_debuginfo_close(di);
    return NULL;
  }
  memcpy(di->separate, debugfile, n);
  return di;
}

const char *ud_debuginfo_separate(const ud_debuginfo *di) { return di->separate; }

/* What libdw needs for DIEs, types, location lists and PC ranges. */
static const char *const wanted[] = {
    ".debug_info",     ".debug_abbrev", ".debug_str",     ".debug_str_offsets",
    ".debug_line_str", ".debug_addr",   ".debug_aranges", ".debug_loc",
    ".debug_loclists", ".debug_ranges", ".debug_rnglists",
};
enum { NWANTED = sizeof wanted / sizeof wanted[0], MAX_INFLATED = 1u << 30 };

/* A section to copy: where its bytes are in the image and how they are
 * stored (plain, SHF_COMPRESSED zlib, or .zdebug_: "ZLIB", a big-endian
 * size, then the stream). */
typedef struct piece {
  const char *name; /* ".debug_X" */
  const uint8_t *src;
  uint64_t srclen;
  uint64_t size; /* once inflated */
  bool compressed;
} piece;

static uint64_t be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return v;
}

static int describe_section(Elf_Scn *scn, const GElf_Shdr *sh, bool zdebug, piece *out, ud_err *err) {
  Elf_Data *d = elf_rawdata(scn, NULL);
  if (d == NULL || d->d_buf == NULL || d->d_size != sh->sh_size)
    return ud_fail(err, UD_E_CORRUPT, "%s: cannot read the section", out->name);
  const uint8_t *p = d->d_buf;
  out->src = p;
  out->srclen = out->size = d->d_size;
  if (sh->sh_flags & SHF_COMPRESSED) {
    Elf64_Chdr ch;
    if (d->d_size < sizeof ch)
      return ud_fail(err, UD_E_CORRUPT, "%s: truncated compression header", out->name);
    memcpy(&ch, p, sizeof ch);
    if (ch.ch_type != ELFCOMPRESS_ZLIB)
      return ud_fail(err, UD_E_UNSUPPORTED, "%s: compression type %u", out->name, ch.ch_type);
    out->src = p + sizeof ch, out->srclen = d->d_size - sizeof ch, out->size = ch.ch_size;
    out->compressed = true;
  } else if (zdebug) {
    if (d->d_size < 12 || memcmp(p, "ZLIB", 4) != 0)
      return ud_fail(err, UD_E_CORRUPT, "%s: bad .zdebug header", out->name);
    out->src = p + 12, out->srclen = d->d_size - 12, out->size = be64(p + 4);
    out->compressed = true;
  }
  if (out->size > MAX_INFLATED)
    return ud_fail(err, UD_E_CORRUPT, "%s: %llu bytes inflated", out->name,
                   (unsigned long long)out->size);
  return UD_OK;
}

static bool copy_section(struct libdeflate_decompressor *dc, const piece *pc, uint8_t *dst) {
  if (!pc->compressed) {
    memcpy(dst, pc->src, pc->size);
    return true;
  }
  size_t got = 0;
  return pc->size == 0 ||
         (libdeflate_zlib_decompress(dc, pc->src, pc->srclen, dst, pc->size, &got) ==
              LIBDEFLATE_SUCCESS &&
          got == pc->size);
}

/* Lays out header, section contents (inflated in place), .shstrtab and
 * section headers. */
static uint8_t *build_elf(const piece *pieces, size_t n, size_t *size, ud_err *err) {
  char shstr[512];
  size_t shlen = 1, names[NWANTED + 1];
  shstr[0] = '\0';
  for (size_t i = 0; i <= n; i++) {
    const char *nm = i < n ? pieces[i].name : ".shstrtab";
    size_t l = strlen(nm) + 1;
    names[i] = shlen;
    memcpy(shstr + shlen, nm, l);
    shlen += l;
  }
  uint64_t off = sizeof(Elf64_Ehdr), offs[NWANTED];
  for (size_t i = 0; i < n; i++) {
    offs[i] = off;
    off = (off + pieces[i].size + 7) & ~(uint64_t)7;
  }
  uint64_t shstr_off = off;
  uint64_t sh_off = (shstr_off + shlen + 7) & ~(uint64_t)7;
  uint64_t total = sh_off + (n + 2) * sizeof(Elf64_Shdr);
  uint8_t *f = malloc(total);
  /* One allocation of libdeflate's own (from the process's malloc, like
   * libdw's; in the shim, before the program runs). */
  struct libdeflate_decompressor *dc = libdeflate_alloc_decompressor();
  if (f == NULL || dc == NULL) {
    free(f);
    libdeflate_free_decompressor(dc);
    ud_fail(err, UD_E_NOMEM, "out of memory (%llu bytes of DWARF)", (unsigned long long)total);
    return NULL;
  }
  memset(f, 0, sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh = {0};
  memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC; /* not ET_REL: nothing to relocate */
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof eh;
  eh.e_shoff = sh_off;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = (uint16_t)(n + 2);
  eh.e_shstrndx = (uint16_t)(n + 1);
  memcpy(f, &eh, sizeof eh);
  Elf64_Shdr *sh = (Elf64_Shdr *)(f + sh_off);
  memset(sh, 0, sizeof *sh);
  for (size_t i = 0; i < n; i++) {
    if (!copy_section(dc, &pieces[i], f + offs[i])) {
      libdeflate_free_decompressor(dc);
      free(f);
      ud_fail(err, UD_E_CORRUPT, "%s: cannot inflate", pieces[i].name);
      return NULL;
    }
    sh[i + 1] = (Elf64_Shdr){.sh_name = (uint32_t)names[i], .sh_type = SHT_PROGBITS,
                             .sh_offset = offs[i], .sh_size = pieces[i].size, .sh_addralign = 1};
  }
  libdeflate_free_decompressor(dc);
  memcpy(f + shstr_off, shstr, shlen);
  sh[n + 1] = (Elf64_Shdr){.sh_name = (uint32_t)names[n], .sh_type = SHT_STRTAB,
                           .sh_offset = shstr_off, .sh_size = shlen, .sh_addralign = 1};
  *size = total;
  return f;
}

/* Which wanted section a name is, and whether in the .zdebug_ form. */
static int wanted_index(const char *name, bool *zdebug) {
  const char *suffix;
  if (strncmp(name, ".debug_", 7) == 0)
    suffix = name + 7, *zdebug = false;
  else if (strncmp(name, ".zdebug_", 8) == 0)
    suffix = name + 8, *zdebug = true;
  else
    return -1;
  for (int i = 0; i < NWANTED; i++)
    if (strcmp(suffix, wanted[i] + 7) == 0)
      return i;
  return -1;
}

ud_debuginfo *ud_debuginfo_open(Elf *src, const char *path, ud_err *err) {
  size_t shstrndx;
  if (src == NULL || elf_getshdrstrndx(src, &shstrndx) != 0) {
    ud_fail(err, UD_E_CORRUPT, "%s: no section names", path);
    return NULL;
  }
  piece pieces[NWANTED];
  bool have[NWANTED] = {false};
  size_t n = 0;
  for (Elf_Scn *scn = NULL; (scn = elf_nextscn(src, scn)) != NULL;) {
    GElf_Shdr sh;
    const char *name;
    bool zdebug;
    int w;
    if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS ||
        (name = elf_strptr(src, shstrndx, sh.sh_name)) == NULL ||
        (w = wanted_index(name, &zdebug)) < 0 || have[w])
      continue;
    have[w] = true;
    pieces[n] = (piece){.name = wanted[w]};
    if (describe_section(scn, &sh, zdebug, &pieces[n], err) != UD_OK)
      return NULL;
    n++;
  }
  if (!have[0])
    return open_separate(path, err);
  size_t size = 0;
  uint8_t *file = build_elf(pieces, n, &size, err);
  if (file == NULL)
    return NULL;
  ud_debuginfo *di = calloc(1, sizeof *di);
  if (di == NULL) {
    free(file);
    ud_fail(err, UD_E_NOMEM, "out of memory");
    return NULL;
  }
  di->file = file;
  di->elf = elf_memory((char *)file, size);
  di->dbg = di->elf != NULL ? dwarf_begin_elf(di->elf, DWARF_C_READ, NULL) : NULL;
  if (di->dbg == NULL) {
    ud_fail(err, UD_E_CORRUPT, "cannot read the DWARF of %s: %s", path,
            dwarf_errmsg(-1));
    ud_debuginfo_close(di);
    return NULL;
  }
  return di;
}

Dwarf *ud_debuginfo_dwarf(const ud_debuginfo *di) { return di->dbg; }

void ud_debuginfo_close(ud_debuginfo *di) {
  if (di == NULL)
    return;
  if (di->dwfl != NULL)
    dwfl_end(di->dwfl);
  else if (di->dbg != NULL)
    dwarf_end(di->dbg);
  free(di->separate);
  if (di->elf != NULL)
    elf_end(di->elf);
  free(di->file);
  free(di);
}
