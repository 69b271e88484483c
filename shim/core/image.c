/* image: ELF64 x86-64 images: files through libelf, mapped once, or
 * objects loaded in this process, read in place (ud_image_open_loaded,
 * near the end of this file).
 *
 * The image maps the file itself (private copy-on-write pages, no descriptor
 * kept) and hands the mapping to libelf (elf_memory), which parses the
 * headers; section contents, symbols and build info are then read straight
 * from that mapping, with every offset and size checked against the file
 * size first, so a truncated or corrupt file yields an error or an absent
 * item, never a read past the mapping. */
#include "image.h"

#include "debuginfo.h"
#include "goversion.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct ud_section {
  const char *name; /* into the section name table */
  uint64_t addr, size, offset, flags;
  uint32_t type, link;
} ud_section;

typedef struct ud_segment {
  uint64_t vaddr, memsz, filesz, offset;
  uint32_t flags;
  const uint8_t *data; /* the bytes at vaddr: in the file's mapping, or the loaded segment */
} ud_segment;

typedef struct ud_symtab {
  const Elf64_Sym *syms;
  size_t n;
  const char *str;
  size_t strsize;
} ud_symtab;

struct ud_image {
  char *path;
  Elf *elf; /* NULL once dropped, and always for a loaded image */
  const uint8_t *map; /* the file's mapping; NULL for a loaded image */
  size_t size;        /* the file's */
  bool loaded;        /* read from the process's own segments (ud_image_open_loaded) */
  uint64_t reloc;     /* what the loader added to every address word (the bias of a
                       * loaded ET_DYN object; 0 for a file) */
  char *shstr;        /* a loaded image's section names, read with pread */
  uint16_t type;
  ud_section *secs;
  size_t nsecs;
  ud_segment *loads;
  size_t nloads;
  bool has_interp, has_dynamic;
  ud_symtab symtab, dynsym;
  bool has_dwarf;
  ud_debuginfo *dwarf; /* opened on first use */
  bool dwarf_tried;
  ud_err dwarf_err;
  char go_version[64];
  int go_release; /* UD_GO(1, N) */
};

static bool in_file(const ud_image *img, uint64_t off, uint64_t len) {
  return off <= img->size && len <= img->size - off;
}

/* A section's bytes: in the file's mapping, or, for a loaded image, only
 * where the loader mapped them (SHF_ALLOC); NULL otherwise. */
static const uint8_t *section_bytes(const ud_image *img, const ud_section *s) {
  if (s->type == SHT_NOBITS || !in_file(img, s->offset, s->size))
    return NULL;
  if (img->loaded)
    return (s->flags & SHF_ALLOC) ? ud_image_at(img, s->addr, s->size) : NULL;
  return img->map + s->offset;
}

static bool load_symtab(ud_image *img, const char *name, ud_symtab *out) {
  for (size_t i = 0; i < img->nsecs; i++) {
    const ud_section *s = &img->secs[i];
    if (strcmp(s->name, name) != 0 || s->type == SHT_NOBITS)
      continue;
    if (s->link >= img->nsecs || s->offset % 8 != 0)
      return false;
    const ud_section *str = &img->secs[s->link];
    const uint8_t *syms = section_bytes(img, s), *strs = section_bytes(img, str);
    if (syms == NULL || strs == NULL || str->size == 0 || (uintptr_t)syms % 8 != 0)
      return false;
    /* A terminated table makes every in-range name a terminated string. */
    if (strs[str->size - 1] != 0)
      return false;
    out->syms = (const Elf64_Sym *)syms;
    out->n = s->size / sizeof(Elf64_Sym);
    out->str = (const char *)strs;
    out->strsize = str->size;
    return true;
  }
  return false;
}

static const char *sym_name(const ud_symtab *t, const Elf64_Sym *s) {
  return s->st_name < t->strsize ? t->str + s->st_name : NULL;
}

static bool symtab_lookup(const ud_symtab *t, const char *name, uint64_t *value,
                          uint64_t *size) {
  for (size_t i = 1; i < t->n; i++) {
    const Elf64_Sym *s = &t->syms[i];
    if (s->st_shndx == SHN_UNDEF)
      continue;
    const char *n = sym_name(t, s);
    if (n && strcmp(n, name) == 0) {
      if (value)
        *value = s->st_value;
      if (size)
        *size = s->st_size;
      return true;
    }
  }
  return false;
}

static uint64_t rd_uint(const uint8_t *p, int ptrsize) {
  uint64_t v = 0;
  memcpy(&v, p, ptrsize == 4 ? 4 : 8);
  return v;
}

/* A Go string header {data, len} at vaddr -> pointer into the mapping. */
static const char *go_string_at(const ud_image *img, uint64_t vaddr, int ptrsize,
                                uint64_t *len) {
  const uint8_t *hdr = ud_image_at(img, vaddr, 2 * (uint64_t)ptrsize);
  if (!hdr)
    return NULL;
  uint64_t data = ptrsize == 8 ? ud_image_addr(img, hdr) : rd_uint(hdr, ptrsize),
           n = rd_uint(hdr + ptrsize, ptrsize);
  if (n == 0 || n > 256)
    return NULL;
  const char *s = ud_image_at(img, data, n);
  if (s)
    *len = n;
  return s;
}

static void set_version(ud_image *img, const char *s, uint64_t n) {
  if (n == 0 || n >= sizeof img->go_version)
    return;
  for (uint64_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
      return;
  memcpy(img->go_version, s, n);
  img->go_version[n] = 0;
}

static const uint8_t buildinfo_magic[14] = "\xff Go buildinf:";

/* .go.buildinfo (debug/buildinfo): 14-byte magic, ptrsize, flags, then
 * either (flags&2, Go 1.18+) varint-length strings inline at offset 32, or
 * two pointers at offset 16 to Go string headers (version, modinfo). */
static void read_buildinfo(ud_image *img, const uint8_t *p, size_t avail) {
  if (avail < 32 || memcmp(p, buildinfo_magic, sizeof buildinfo_magic) != 0)
    return;
  int ptrsize = p[14];
  uint8_t flags = p[15];
  if (flags & 1)
    return; /* big-endian: not a target */
  if (flags & 2) {
    uint64_t n = 0;
    size_t i = 32;
    for (int shift = 0; i < avail && shift < 64; shift += 7) {
      uint8_t b = p[i++];
      n |= (uint64_t)(b & 0x7f) << shift;
      if (!(b & 0x80))
        break;
    }
    if (n <= avail - i)
      set_version(img, (const char *)p + i, n);
    return;
  }
  if (ptrsize != 4 && ptrsize != 8)
    return;
  uint64_t n = 0;
  const char *s = go_string_at(img, ptrsize == 8 ? ud_image_addr(img, p + 16) : rd_uint(p + 16, ptrsize),
                              ptrsize, &n);
  if (s)
    set_version(img, s, n);
}

static void find_go_version(ud_image *img) {
  uint64_t addr, size;
  const void *data;
  if (ud_image_section(img, ".go.buildinfo", &addr, &size, &data) && data)
    read_buildinfo(img, data, size);
  if (!img->go_version[0]) {
    /* No section headers: the blob sits 16-aligned in the first writable
     * segment (as debug/buildinfo searches it). */
    for (size_t i = 0; i < img->nloads && !img->go_version[0]; i++) {
      const ud_segment *s = &img->loads[i];
      if (!(s->flags & PF_W))
        continue;
      uint64_t n = s->filesz < (1u << 20) ? s->filesz : (1u << 20);
      const uint8_t *p = s->data;
      for (uint64_t off = 0; off + 32 <= n; off += 16)
        if (p[off] == 0xff && memcmp(p + off, buildinfo_magic, 14) == 0) {
          read_buildinfo(img, p + off, n - off);
          break;
        }
      break;
    }
  }
  if (!img->go_version[0] && ud_image_symbol(img, "runtime.buildVersion", &addr, &size)) {
    uint64_t n = 0;
    const char *s = go_string_at(img, addr, 8, &n);
    if (s)
      set_version(img, s, n);
  }
  /* "go1.19.8", "go1.26.8", "go1.21rc2", "devel go1.27-..." */
  const char *v = strstr(img->go_version, "go1.");
  if (v) {
    int minor = 0, digits = 0;
    for (v += 4; *v >= '0' && *v <= '9' && digits < 4; v++, digits++)
      minor = minor * 10 + (*v - '0');
    if (digits)
      img->go_release = UD_GO(1, minor);
  }
}

/* What both openers (the file, the loaded image) derive once the sections
 * are indexed: whether DWARF is there, and the Go version. */
static void finish_open(ud_image *img) {
  for (size_t i = 0; i < img->nsecs; i++)
    if (!strcmp(img->secs[i].name, ".debug_info") || !strcmp(img->secs[i].name, ".zdebug_info"))
      img->has_dwarf = true;
  find_go_version(img);
}

static int index_sections(ud_image *img, ud_err *err) {
  size_t shnum, shstrndx;
  if (elf_getshdrnum(img->elf, &shnum) != 0)
    return ud_fail(err, UD_E_CORRUPT, "%s: bad section header table", img->path);
  if (shnum == 0)
    return UD_OK;
  if (elf_getshdrstrndx(img->elf, &shstrndx) != 0 || shstrndx >= shnum)
    return UD_OK; /* unnamed sections are as good as none */
  GElf_Shdr strsh;
  Elf_Scn *strscn = elf_getscn(img->elf, shstrndx);
  if (!strscn || !gelf_getshdr(strscn, &strsh) || strsh.sh_type == SHT_NOBITS ||
      !in_file(img, strsh.sh_offset, strsh.sh_size) || strsh.sh_size == 0)
    return UD_OK;
  const char *names = (const char *)img->map + strsh.sh_offset;
  if (names[strsh.sh_size - 1] != 0)
    return UD_OK;
  img->secs = calloc(shnum, sizeof *img->secs);
  if (!img->secs)
    return ud_fail(err, UD_E_NOMEM, "%s: out of memory", img->path);
  for (size_t i = 0; i < shnum; i++) {
    GElf_Shdr sh;
    Elf_Scn *scn = elf_getscn(img->elf, i);
    ud_section *s = &img->secs[img->nsecs];
    if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_name >= strsh.sh_size) {
      s->name = "";
    } else {
      s->name = names + sh.sh_name;
      s->addr = sh.sh_addr;
      s->size = sh.sh_size;
      s->offset = sh.sh_offset;
      s->flags = sh.sh_flags;
      s->type = sh.sh_type;
      s->link = sh.sh_link;
    }
    img->nsecs++; /* keep indices equal to ELF section numbers (sh_link) */
  }
  return UD_OK;
}

static int index_segments(ud_image *img, ud_err *err) {
  size_t phnum;
  if (elf_getphdrnum(img->elf, &phnum) != 0)
    return ud_fail(err, UD_E_CORRUPT, "%s: bad program header table", img->path);
  img->loads = calloc(phnum ? phnum : 1, sizeof *img->loads);
  if (!img->loads)
    return ud_fail(err, UD_E_NOMEM, "%s: out of memory", img->path);
  for (size_t i = 0; i < phnum; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(img->elf, i, &ph))
      return ud_fail(err, UD_E_CORRUPT, "%s: bad program header %zu", img->path, i);
    switch (ph.p_type) {
    case PT_LOAD:
      /* Clip the file image to the file: a truncated tail is simply not
       * file-backed. */
      if (ph.p_offset > img->size || ph.p_filesz > img->size - ph.p_offset)
        return ud_fail(err, UD_E_CORRUPT,
                       "%s: truncated ELF file (%zu bytes, a segment ends at %llu)", img->path,
                       img->size, (unsigned long long)(ph.p_offset + ph.p_filesz));
      if (ph.p_filesz > ph.p_memsz)
        ph.p_filesz = ph.p_memsz;
      if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
        break;
      img->loads[img->nloads++] = (ud_segment){ph.p_vaddr, ph.p_memsz, ph.p_filesz,
                                               ph.p_offset, ph.p_flags, img->map + ph.p_offset};
      break;
    case PT_INTERP: img->has_interp = true; break;
    case PT_DYNAMIC: img->has_dynamic = true; break;
    }
  }
  return UD_OK;
}

bool ud_file_has_go(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return false;
  bool found = false;
  Elf64_Ehdr eh;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_machine != EM_X86_64 || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 ||
      eh.e_shnum > 4096 || eh.e_shstrndx >= eh.e_shnum)
    goto out;
  Elf64_Shdr strsh, sh[32];
  char names[4096];
  if (pread(fd, &strsh, sizeof strsh, (off_t)(eh.e_shoff + (uint64_t)eh.e_shstrndx * sizeof strsh)) !=
          (ssize_t)sizeof strsh ||
      strsh.sh_size == 0 || strsh.sh_size > sizeof names ||
      pread(fd, names, strsh.sh_size, (off_t)strsh.sh_offset) != (ssize_t)strsh.sh_size)
    goto out;
  names[strsh.sh_size - 1] = 0;
  for (unsigned i = 0; i < eh.e_shnum && !found; i += 32) {
    unsigned n = eh.e_shnum - i < 32 ? eh.e_shnum - i : 32;
    if (pread(fd, sh, n * sizeof sh[0], (off_t)(eh.e_shoff + (uint64_t)i * sizeof sh[0])) !=
        (ssize_t)(n * sizeof sh[0]))
      break;
    for (unsigned k = 0; k < n && !found; k++)
      found = sh[k].sh_name < strsh.sh_size && (strcmp(names + sh[k].sh_name, ".gopclntab") == 0 ||
                                                strcmp(names + sh[k].sh_name, ".go.buildinfo") == 0);
  }
out:
  close(fd);
  return found;
}

ud_image *ud_image_open(const char *path, ud_err *err) {
  if (elf_version(EV_CURRENT) == EV_NONE) {
    ud_fail(err, UD_E_IO, "libelf: %s", elf_errmsg(-1));
    return NULL;
  }
  /* O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer;
   * whatever it is, fstat below refuses it. No effect on a regular file. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    ud_fail(err, UD_E_IO, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ud_fail(err, UD_E_IO, "%s: not a regular file", path);
    close(fd);
    return NULL;
  }
  if (st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
    unsigned char magic[4] = {0};
    if (st.st_size >= 4 && pread(fd, magic, 4, 0) == 4 && !memcmp(magic, ELFMAG, SELFMAG))
      ud_fail(err, UD_E_CORRUPT, "%s: truncated ELF file (%lld bytes)", path, (long long)st.st_size);
    else
      ud_fail(err, UD_E_NOT_ELF, "%s: not an ELF file (%lld bytes)", path, (long long)st.st_size);
    close(fd);
    return NULL;
  }
  ud_image *img = calloc(1, sizeof *img);
  /* Not strdup: in the shim, libc's strdup allocates with libc's malloc
   * while this file's free() is the shim's private allocator. */
  size_t plen = strlen(path) + 1;
  if (img && (img->path = malloc(plen)) != NULL)
    memcpy(img->path, path, plen);
  if (!img || !img->path) {
    free(img);
    close(fd);
    ud_fail(err, UD_E_NOMEM, "%s: out of memory", path);
    return NULL;
  }
  /* The image's own private mapping: it outlives libelf's handle (see
   * ud_image_drop_elf), and no descriptor is kept. Writable copy-on-write
   * pages, as libelf may convert in place; the file is never written. */
  void *map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    ud_fail(err, UD_E_IO, "%s: cannot map the file: %s", path, strerror(errno));
    goto fail;
  }
  img->map = map;
  img->size = (size_t)st.st_size;
  img->elf = elf_memory(map, img->size);
  if (!img->elf || elf_kind(img->elf) != ELF_K_ELF) {
    ud_fail(err, UD_E_NOT_ELF, "%s: not an ELF file", path);
    goto fail;
  }
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->map;
  if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
      eh->e_machine != EM_X86_64) {
    ud_fail(err, UD_E_NOT_ELF, "%s: not an x86-64 ELF file", path);
    goto fail;
  }
  img->type = eh->e_type;
  /* A cut file is refused outright rather than half-read: its headers
   * promise bytes that are not there. */
  uint64_t need = (uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize;
  if (eh->e_shoff)
    need = (uint64_t)eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize > need
               ? (uint64_t)eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize
               : need;
  if (need > img->size) {
    ud_fail(err, UD_E_CORRUPT, "%s: truncated ELF file (%zu bytes, headers need %llu)", path,
            img->size, (unsigned long long)need);
    goto fail;
  }
  if (index_segments(img, err) != UD_OK || index_sections(img, err) != UD_OK)
    goto fail;
  load_symtab(img, ".symtab", &img->symtab);
  load_symtab(img, ".dynsym", &img->dynsym);
  finish_open(img);
  return img;
fail:
  ud_image_close(img);
  return NULL;
}

void ud_image_close(ud_image *img) {
  if (!img)
    return;
  ud_debuginfo_close(img->dwarf);
  if (img->elf)
    elf_end(img->elf);
  if (img->map)
    munmap((void *)img->map, img->size);
  free(img->secs);
  free(img->loads);
  free(img->shstr);
  free(img->path);
  free(img);
}

const char *ud_image_path(const ud_image *img) { return img->path; }

const void *ud_image_at(const ud_image *img, uint64_t vaddr, uint64_t len) {
  for (size_t i = 0; i < img->nloads; i++) {
    const ud_segment *s = &img->loads[i];
    if (vaddr < s->vaddr)
      continue;
    uint64_t off = vaddr - s->vaddr;
    if (off > s->filesz || len > s->filesz - off)
      continue;
    return s->data + off;
  }
  return NULL;
}

const void *ud_image_span(const ud_image *img, uint64_t vaddr, uint64_t *avail) {
  for (size_t i = 0; i < img->nloads; i++) {
    const ud_segment *s = &img->loads[i];
    if (vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz)
      continue;
    *avail = s->filesz - (vaddr - s->vaddr);
    return s->data + (vaddr - s->vaddr);
  }
  *avail = 0;
  return NULL;
}

size_t ud_image_nsegments(const ud_image *img) { return img->nloads; }

bool ud_image_segment(const ud_image *img, size_t i, uint64_t *vaddr,
                      uint64_t *filesz, uint32_t *flags) {
  if (i >= img->nloads)
    return false;
  *vaddr = img->loads[i].vaddr;
  *filesz = img->loads[i].filesz;
  *flags = img->loads[i].flags;
  return true;
}

bool ud_image_section(const ud_image *img, const char *name, uint64_t *vaddr,
                      uint64_t *size, const void **data) {
  for (size_t i = 0; i < img->nsecs; i++) {
    const ud_section *s = &img->secs[i];
    if (strcmp(s->name, name) != 0)
      continue;
    if (vaddr)
      *vaddr = s->addr;
    if (size)
      *size = s->size;
    if (data)
      *data = section_bytes(img, s);
    return true;
  }
  return false;
}

bool ud_image_symbol(const ud_image *img, const char *name, uint64_t *value,
                     uint64_t *size) {
  return symtab_lookup(&img->symtab, name, value, size) ||
         symtab_lookup(&img->dynsym, name, value, size);
}

bool ud_image_is_pie(const ud_image *img) { return img->type == ET_DYN; }
bool ud_image_has_symtab(const ud_image *img) { return img->symtab.n > 0; }
bool ud_image_has_dwarf(const ud_image *img) { return img->has_dwarf; }

const char *ud_image_dwarf_separate(const ud_image *img) {
  return img->dwarf != NULL ? ud_debuginfo_separate(img->dwarf) : NULL;
}

bool ud_image_has_go_dwarf(const ud_image *img) {
  Dwarf *dbg = ud_image_dwarf(img, NULL);
  Dwarf_Off off = 0, next;
  size_t hsize;
  while (dbg != NULL && dwarf_nextcu(dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
    Dwarf_Die cu;
    if (dwarf_offdie(dbg, off + hsize, &cu) != NULL && dwarf_srclang(&cu) == DW_LANG_Go)
      return true;
    off = next;
  }
  return false;
}
bool ud_image_is_library(const ud_image *img) { return img->type == ET_DYN && !img->has_interp; }
bool ud_image_is_dynamic(const ud_image *img) { return img->has_interp || img->has_dynamic; }

const char *ud_image_go_version(const ud_image *img) {
  return img->go_version[0] ? img->go_version : NULL;
}

int ud_image_go_release(const ud_image *img) { return img->go_release; }

bool ud_image_text(const ud_image *img, uint64_t *start, uint64_t *end) {
  uint64_t a, n;
  const void *d;
  if (ud_image_section(img, ".text", &a, &n, &d) && n > 0) {
    *start = a;
    *end = a + n;
    return true;
  }
  for (size_t i = 0; i < img->nloads; i++)
    if (img->loads[i].flags & PF_X) {
      *start = img->loads[i].vaddr;
      *end = img->loads[i].vaddr + img->loads[i].memsz;
      return true;
    }
  return false;
}


void ud_image_release_dwarf(ud_image *img) {
  ud_debuginfo_close(img->dwarf);
  img->dwarf = NULL;
  img->dwarf_tried = false;
}

/* A loaded image's DWARF is not in memory: libelf reads the file's
 * section headers and debug sections with pread (ELF_C_READ: nothing
 * mapped), debuginfo.c copies what it needs, and the handle and the
 * descriptor are gone before this returns. */
static ud_debuginfo *open_file_dwarf(ud_image *img) {
  if (elf_version(EV_CURRENT) == EV_NONE) {
    ud_fail(&img->dwarf_err, UD_E_IO, "libelf: %s", elf_errmsg(-1));
    return NULL;
  }
  int fd = open(img->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    ud_fail(&img->dwarf_err, UD_E_IO, "%s: %s", img->path, strerror(errno));
    return NULL;
  }
  Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
  ud_debuginfo *di = NULL;
  if (elf == NULL)
    ud_fail(&img->dwarf_err, UD_E_NOT_ELF, "%s: %s", img->path, elf_errmsg(-1));
  else
    di = ud_debuginfo_open(elf, img->path, &img->dwarf_err);
  if (elf != NULL)
    elf_end(elf);
  close(fd);
  return di;
}

struct Dwarf *ud_image_dwarf(const ud_image *cimg, ud_err *err) {
  ud_image *img = (ud_image *)cimg; /* the cache is not part of its value */
  if (!img->dwarf_tried) {
    img->dwarf_tried = true;
    if (img->loaded)
      img->dwarf = open_file_dwarf(img);
    else
      img->dwarf = ud_debuginfo_open(img->elf, img->path, &img->dwarf_err);
  }
  if (img->dwarf == NULL) {
    if (err != NULL)
      *err = img->dwarf_err;
    return NULL;
  }
  return ud_debuginfo_dwarf(img->dwarf);
}
void ud_image_drop_elf(ud_image *img) {
  ud_image_release_dwarf(img);
  if (img->elf)
    elf_end(img->elf);
  img->elf = NULL;
}

uint64_t ud_image_addr(const ud_image *img, const void *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  if (v == 0 || img->reloc == 0)
    return v;
  return v >= img->reloc ? v - img->reloc : UINT64_MAX; /* not an address the loader made */
}

/* The loaded image's section headers, with pread: kept as a table of their
 * own (names in img->shstr), nothing mapped. Absent or unreadable headers
 * are as good as none: what the shim needs has other routes (the segments,
 * the function table's own search). */
static void read_section_headers(ud_image *img, int fd, const Elf64_Ehdr *eh) {
  if (eh->e_shoff == 0 || eh->e_shnum == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
      eh->e_shstrndx >= eh->e_shnum ||
      !in_file(img, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
    return;
  size_t n = eh->e_shnum;
  Elf64_Shdr *sh = malloc(n * sizeof *sh);
  img->secs = calloc(n, sizeof *img->secs);
  if (sh == NULL || img->secs == NULL ||
      pread(fd, sh, n * sizeof *sh, (off_t)eh->e_shoff) != (ssize_t)(n * sizeof *sh))
    goto out;
  const Elf64_Shdr *strsh = &sh[eh->e_shstrndx];
  if (strsh->sh_type == SHT_NOBITS || strsh->sh_size == 0 || strsh->sh_size > (1u << 20) ||
      !in_file(img, strsh->sh_offset, strsh->sh_size) || (img->shstr = malloc(strsh->sh_size)) == NULL ||
      pread(fd, img->shstr, strsh->sh_size, (off_t)strsh->sh_offset) != (ssize_t)strsh->sh_size ||
      img->shstr[strsh->sh_size - 1] != 0)
    goto out;
  for (size_t i = 0; i < n; i++) {
    ud_section *s = &img->secs[i];
    if (sh[i].sh_name >= strsh->sh_size) {
      s->name = "";
      continue;
    }
    *s = (ud_section){img->shstr + sh[i].sh_name, sh[i].sh_addr, sh[i].sh_size, sh[i].sh_offset,
                      sh[i].sh_flags, sh[i].sh_type, sh[i].sh_link};
  }
  img->nsecs = n;
out:
  if (img->nsecs == 0) {
    free(img->secs);
    img->secs = NULL;
  }
  free(sh);
}

/* Whether the file's PT_LOAD headers are those the loader mapped: else the
 * file at the path is no longer the loaded object. */
static bool same_loads(int fd, const Elf64_Ehdr *eh, const Elf64_Phdr *ph, size_t phnum) {
  if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum != phnum || phnum == 0 || phnum > 256)
    return false;
  Elf64_Phdr fph[256];
  if (pread(fd, fph, phnum * sizeof *fph, (off_t)eh->e_phoff) != (ssize_t)(phnum * sizeof *fph))
    return false;
  for (size_t i = 0; i < phnum; i++)
    if (fph[i].p_type != ph[i].p_type ||
        (ph[i].p_type == PT_LOAD &&
         (fph[i].p_vaddr != ph[i].p_vaddr || fph[i].p_filesz != ph[i].p_filesz ||
          fph[i].p_offset != ph[i].p_offset || fph[i].p_flags != ph[i].p_flags)))
      return false;
  return true;
}

ud_image *ud_image_open_loaded(const char *path, uintptr_t bias, const void *phdr, size_t phnum,
                               ud_err *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    ud_fail(err, UD_E_IO, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  Elf64_Ehdr eh;
  ud_image *img = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ud_fail(err, UD_E_IO, "%s: not a regular file", path);
    goto fail;
  }
  if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
      eh.e_machine != EM_X86_64) {
    ud_fail(err, UD_E_NOT_ELF, "%s: not an x86-64 ELF file", path);
    goto fail;
  }
  const Elf64_Phdr *ph = phdr;
  if (!same_loads(fd, &eh, ph, phnum)) {
    ud_fail(err, UD_E_IO, "%s: the file is not the object loaded from it (changed since?)", path);
    goto fail;
  }
  size_t plen = strlen(path) + 1;
  img = calloc(1, sizeof *img);
  if (img == NULL || (img->path = malloc(plen)) == NULL ||
      (img->loads = calloc(phnum, sizeof *img->loads)) == NULL) {
    ud_fail(err, UD_E_NOMEM, "%s: out of memory", path);
    goto fail;
  }
  memcpy(img->path, path, plen);
  img->loaded = true;
  img->size = (size_t)st.st_size;
  img->type = eh.e_type;
  img->reloc = eh.e_type == ET_DYN ? bias : 0;
  for (size_t i = 0; i < phnum; i++) {
    switch (ph[i].p_type) {
    case PT_LOAD:
      /* The loader mapped [vaddr, vaddr+filesz) from the file, readable
       * where PF_R says so. */
      if (!(ph[i].p_flags & PF_R) || ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr)
        break;
      img->loads[img->nloads++] = (ud_segment){
          ph[i].p_vaddr, ph[i].p_memsz, ph[i].p_filesz < ph[i].p_memsz ? ph[i].p_filesz : ph[i].p_memsz,
          ph[i].p_offset, ph[i].p_flags, (const uint8_t *)(bias + ph[i].p_vaddr)};
      break;
    case PT_INTERP: img->has_interp = true; break;
    case PT_DYNAMIC: img->has_dynamic = true; break;
    }
  }
  read_section_headers(img, fd, &eh);
  close(fd);
  fd = -1;
  load_symtab(img, ".dynsym", &img->dynsym); /* .symtab is not loaded: not read */
  finish_open(img);
  return img;
fail:
  if (fd >= 0)
    close(fd);
  ud_image_close(img);
  return NULL;
}

bool ud_image_is_loaded(const ud_image *img) { return img->loaded; }
