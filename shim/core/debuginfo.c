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
 * finds that file by build ID in the debuginfo path, and this file by
 * .gnu_debuglink beside the binary and under the path's directories. Only
 * user-invoked tools (network allowed, ud_debuginfo_configure) go through
 * libdwfl's standard finder, which may ask a debuginfod server
 * (DEBUGINFOD_URLS) and so loads libdebuginfod (and its curl and TLS
 * libraries); the shim never calls it: nothing of that is loaded into a
 * program, and it never goes to the network. */
#include "debuginfo.h"

#include <elf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <zlib.h>
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

/* Whether the file at fd has the CRC-32 the debuglink names. */
static bool crc_matches(int fd, uint32_t want) {
  unsigned char buf[65536];
  uLong crc = crc32(0, Z_NULL, 0);
  for (off_t off = 0;;) {
    ssize_t n = pread(fd, buf, sizeof buf, off);
    if (n < 0)
      return false;
    if (n == 0)
      break;
    crc = crc32(crc, buf, (uInt)n);
    off += n;
  }
  return (uint32_t)crc == want;
}

/* The file named by .gnu_debuglink, where gdb and libdwfl look for it: the
 * binary's directory, its .debug/, and each directory of the debuginfo
 * path (absolute entries; libdwfl's default ":.debug:/usr/lib/debug")
 * followed by the binary's directory. */
static int find_debuglink(const char *file_name, const char *link, GElf_Word crc, char **found) {
  if (file_name == NULL || link == NULL || link[0] == '\0' || strchr(link, '/') != NULL)
    return -1;
  char dir[4096];
  const char *slash = strrchr(file_name, '/');
  size_t dlen = slash != NULL ? (size_t)(slash - file_name) : 0;
  if (dlen >= sizeof dir)
    return -1;
  memcpy(dir, file_name, dlen);
  dir[dlen] = '\0';
  const char *path = debuginfo_path != NULL ? debuginfo_path : ":.debug:/usr/lib/debug";
  char cand[8192];
  for (const char *p = path;;) {
    const char *end = strchr(p, ':');
    size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
    int w;
    if (n == 0)
      w = snprintf(cand, sizeof cand, "%s/%s", dir, link);
    else if (p[0] == '/')
      w = snprintf(cand, sizeof cand, "%.*s%s/%s", (int)n, p, dir, link);
    else
      w = snprintf(cand, sizeof cand, "%s/%.*s/%s", dir, (int)n, p, link);
    if (w > 0 && (size_t)w < sizeof cand && strcmp(cand, file_name) != 0) {
      int fd = open(cand, O_RDONLY | O_CLOEXEC);
      if (fd >= 0 && crc_matches(fd, crc)) {
        size_t l = strlen(cand) + 1;
        if ((*found = malloc(l)) != NULL)
          memcpy(*found, cand, l);
        return fd;
      }
      if (fd >= 0)
        close(fd);
    }
    if (end == NULL)
      break;
    p = end + 1;
  }
  return -1;
}

/* libdwfl's lower-level finders only: by build ID in the debuginfo path,
 * then the debuglink. Never debuginfod. */
static int find_debuginfo_local(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                                const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
                                char **debuginfo_file_name) {
  int fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file,
                                        debuglink_crc, debuginfo_file_name);
  if (fd >= 0)
    return fd;
  fd = find_debuglink(file_name, debuglink_file, debuglink_crc, debuginfo_file_name);
  if (fd < 0)
    errno = ENOENT;
  return fd;
}

/* The DWARF of a separate debug file, found by libdwfl (build ID, then
 * .gnu_debuglink) for the image at path. */
static ud_debuginfo *open_separate(const char *path, ud_err *err) {
  static const Dwfl_Callbacks local = {
      .find_elf = dwfl_build_id_find_elf,
      .find_debuginfo = find_debuginfo_local,
      .debuginfo_path = &debuginfo_path,
  };
  static const Dwfl_Callbacks standard = {
      .find_elf = dwfl_build_id_find_elf,
      .find_debuginfo = dwfl_standard_find_debuginfo,
      .debuginfo_path = &debuginfo_path,
  };
  ud_debuginfo *di = calloc(1, sizeof *di);
  if (di == NULL || (di->dwfl = dwfl_begin(network_allowed ? &standard : &local)) == NULL) {
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
