/* pclntab: the Go function table, read in place (runtime/symtab.go).
 *
 * Layout (pcHeader, 8-byte words after the first 8 bytes):
 *   magic u32, pad1 u8, pad2 u8, minLC u8, ptrSize u8,
 *   nfunc, nfiles, textStart (0 from Go 1.26), funcnameOffset, cuOffset,
 *   filetabOffset, pctabOffset, pclnOffset
 * then, at pclnOffset, functab[nfunc+1] {entryoff u32, funcoff u32} and the
 * _func records (funcoff is relative to pclnOffset). A _func is 40 bytes in
 * Go 1.18/1.19 and 44 from Go 1.20 (startLine), followed by npcdata u32
 * pctab offsets and nfuncdata u32 offsets from moduledata.gofunc.
 *
 * Every region is bounded once at open; every record, table offset and string
 * is checked against its region when read, so a corrupt table gives "absent"
 * or an error, never a read outside the file. */
#include "pclntab.h"

#include "goversion.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC_GO118 0xfffffff0u /* Go 1.18, 1.19 */
#define MAGIC_GO120 0xfffffff1u /* Go 1.20 and later */
#define HEADER_SIZE 72u

/* moduledata field offsets (runtime/symtab.go) that do not change across
 * releases; the others come from the release's row in goversion.h. */
#define MD_PCHEADER 0
#define MD_FUNCNAMETAB 8
#define MD_FTAB 128
#define MD_TEXT 176
#define MD_READ 400 /* the bytes of moduledata read: past every row's fields */

typedef struct region {
  const uint8_t *p;
  uint64_t len;
} region;

struct ud_pclntab {
  const ud_image *img;
  uint32_t magic;
  uint64_t vaddr; /* of the pcHeader */
  uint64_t nfunc;
  uint64_t text;
  uint64_t gofunc;
  uint64_t types, etypes; /* moduledata.types/etypes; 0 if not found */
  uint32_t func_size; /* fixed part of a _func record */
  uint32_t funcid_off;
  region funcnames, cutab, filetab, pctab, pcln;
  /* The index of the names the core looks up (indexed_names), made in one
   * pass at open: for each, the function indices carrying it. */
  uint32_t named[UD_PCLNTAB_INDEXED][UD_PCLNTAB_PER_NAME];
  uint8_t nnamed[UD_PCLNTAB_INDEXED];
  size_t nexports;
  uint64_t runtime_lo, runtime_hi; /* from the first runtime.* function to the end of the last */
};

/* Every function the core finds by name, sorted (strcmp order). A name
 * outside this list is still found, by a pass of its own. */
static const char *const indexed_names[UD_PCLNTAB_INDEXED] = {
    "crosscall2",
    "gosave_systemstack_switch",
    "runtime.asmcgocall",
    "runtime.cgocall",
    "runtime.cgocallback",
    "runtime.cgocallbackg",
    "runtime.cgocallbackg1",
    "runtime.copystack",
    "runtime.entersyscall",
    "runtime.exit",
    "runtime.malg",
    "runtime.newobject",
    "runtime.newstack",
    "runtime.reentersyscall",
    "runtime.shrinkstack",
    "runtime.systemstack_switch",
};

static int indexed_slot(const char *name) {
  int lo = 0, hi = UD_PCLNTAB_INDEXED - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, c = strcmp(name, indexed_names[mid]);
    if (c == 0)
      return mid;
    if (c < 0)
      hi = mid - 1;
    else
      lo = mid + 1;
  }
  return -1;
}

/* One pass over the names: the indexed ones, and the Go functions exported
 * to C (cmd/cgo's _cgoexp_HASH_NAME, PKG._cgoexp_HASH_NAME in some
 * releases). Only names starting with "runtime.", "gosave_" or "crosscall"
 * are compared against the list. */
static void index_names(ud_pclntab *t) {
  for (size_t i = 0; i < t->nfunc; i++) {
    ud_func f;
    if (!ud_pclntab_func_at(t, i, &f))
      continue;
    const char *name = ud_func_name(&f);
    if (strncmp(name, "_cgoexp_", 8) == 0 || strstr(name, "._cgoexp_") != NULL) {
      t->nexports++;
      continue;
    }
    if (strncmp(name, "runtime.", 8) == 0) {
      if (t->runtime_lo == 0 || f.entry < t->runtime_lo)
        t->runtime_lo = f.entry;
      if (f.end > t->runtime_hi)
        t->runtime_hi = f.end;
    } else if (strncmp(name, "gosave_", 7) != 0 && strncmp(name, "crosscall", 9) != 0) {
      continue;
    }
    int k = indexed_slot(name);
    if (k >= 0 && t->nnamed[k] < UD_PCLNTAB_PER_NAME)
      t->named[k][t->nnamed[k]++] = (uint32_t)i;
  }
}

static inline uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint64_t rd64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* The _func fields (offsets identical in both formats up to cuOffset). */
enum {
  F_ENTRYOFF = 0, F_NAMEOFF = 4, F_ARGS = 8, F_DEFERRETURN = 12, F_PCSP = 16,
  F_PCFILE = 20, F_PCLN = 24, F_NPCDATA = 28, F_CUOFFSET = 32,
};

static bool known_magic(uint32_t m) { return m == MAGIC_GO118 || m == MAGIC_GO120; }

static bool plausible_header(const uint8_t *p, uint64_t avail) {
  return avail >= HEADER_SIZE && known_magic(rd32(p)) && p[4] == 0 && p[5] == 0 &&
         p[6] == 1 && p[7] == 8;
}

/* Where the table is: .gopclntab, runtime.pclntab, the pcHeader pointer in
 * runtime.firstmoduledata, else an aligned header in a read-only segment. */
static int locate(ud_pclntab *t, const uint8_t **hdr, uint64_t *avail, ud_err *err) {
  const ud_image *img = t->img;
  const char *path = ud_image_path(img);
  uint64_t addr = 0, size = 0;
  const void *data = NULL;
  bool found = false;
  if (ud_image_section(img, ".gopclntab", &addr, &size, &data)) {
    if (!data)
      return ud_fail(err, UD_E_CORRUPT, "%s: .gopclntab lies outside the file", path);
    *hdr = data;
    *avail = size;
    found = true;
  } else if (ud_image_symbol(img, "runtime.pclntab", &addr, NULL)) {
    found = true;
  } else if (ud_image_symbol(img, "runtime.firstmoduledata", &addr, NULL)) {
    const uint8_t *md = ud_image_at(img, addr, 8);
    if (md) {
      addr = ud_image_addr(img, md);
      found = true;
    }
  }
  if (found && !*hdr) {
    *hdr = ud_image_span(img, addr, avail);
    if (!*hdr)
      return ud_fail(err, UD_E_CORRUPT, "%s: Go function table lies outside the file", path);
  }
  if (!found) {
    uint64_t va, fsz;
    uint32_t flags;
    for (size_t i = 0; !found && ud_image_segment(img, i, &va, &fsz, &flags); i++) {
      if (flags & 1 /* PF_X */)
        continue;
      uint64_t n;
      const uint8_t *p = ud_image_span(img, va, &n);
      for (uint64_t off = (8 - va % 8) % 8; p && off + HEADER_SIZE <= n; off += 8)
        if (p[off + 6] == 1 && p[off + 7] == 8 && plausible_header(p + off, n - off)) {
          addr = va + off;
          *hdr = p + off;
          *avail = n - off;
          found = true;
          break;
        }
    }
  }
  if (!found)
    return ud_fail(err, UD_E_NOT_GO, "%s: not a Go program (no Go function table)", path);
  if (*avail < 8)
    return ud_fail(err, UD_E_CORRUPT, "%s: Go function table truncated", path);
  uint32_t magic = rd32(*hdr);
  if (!known_magic(magic))
    return ud_fail(err, UD_E_UNSUPPORTED, "%s: unsupported Go version (pclntab magic 0x%08x)",
                   path, magic);
  if (*avail < HEADER_SIZE)
    return ud_fail(err, UD_E_CORRUPT, "%s: Go function table truncated", path);
  const uint8_t *h = *hdr;
  if (h[4] != 0 || h[5] != 0 || h[6] != 1 || h[7] != 8)
    return ud_fail(err, UD_E_UNSUPPORTED,
                   "%s: unsupported pclntab (minLC %u, ptrSize %u; only amd64 is supported)",
                   path, h[6], h[7]);
  t->vaddr = addr;
  t->magic = magic;
  return UD_OK;
}

/* runtime.firstmoduledata, by symbol or (stripped binaries) by its first two
 * words: the pcHeader address and the funcnametab slice's data pointer. */
static const uint8_t *find_moduledata(const ud_pclntab *t, uint64_t funcname_off) {
  const ud_image *img = t->img;
  uint64_t addr;
  const uint8_t *md;
  if (ud_image_symbol(img, "runtime.firstmoduledata", &addr, NULL) &&
      (md = ud_image_at(img, addr, MD_READ)) && ud_image_addr(img, md) == t->vaddr)
    return md;
  uint64_t va, fsz;
  uint32_t flags;
  for (size_t i = 0; ud_image_segment(img, i, &va, &fsz, &flags); i++) {
    if (!(flags & 2 /* PF_W */))
      continue;
    uint64_t n;
    const uint8_t *p = ud_image_span(img, va, &n);
    for (uint64_t off = (8 - va % 8) % 8; p && off + MD_READ <= n; off += 8)
      if (ud_image_addr(img, p + off) == t->vaddr &&
          ud_image_addr(img, p + off + MD_FUNCNAMETAB) == t->vaddr + funcname_off)
        return p + off;
  }
  return NULL;
}

/* Is [lo, hi) inside one file-backed, non-executable segment? */
static bool in_data_segment(const ud_image *img, uint64_t lo, uint64_t hi) {
  uint64_t va, fsz;
  uint32_t flags;
  for (size_t i = 0; ud_image_segment(img, i, &va, &fsz, &flags); i++)
    if (!(flags & 1 /* PF_X */) && lo >= va && hi >= lo && hi <= va + fsz)
      return true;
  return false;
}

/* The moduledata fields the release's row places, each checked against
 * its neighbours before it is believed: gofunc follows rodata and points
 * past it, below the function table (go.func.* in .rodata) or, in the
 * releases with an epclntab field after it, below that (go:func.* inside
 * .gopclntab); types < etypes lie in read-only data. A field that fails
 * stays 0 (its data "absent"), never guessed. */
static void moduledata_fields(ud_pclntab *t, const uint8_t *md, const ud_goversion *v) {
  t->gofunc = t->types = t->etypes = 0;
  if (v == NULL)
    return;
  const ud_image *img = t->img;
  uint64_t rodata = ud_image_addr(img, md + v->md_rodata), gofunc = ud_image_addr(img, md + v->md_gofunc);
  uint64_t limit = v->md_epclntab ? ud_image_addr(img, md + v->md_epclntab) : t->vaddr;
  if (rodata != 0 && rodata <= gofunc && gofunc < limit && limit >= t->vaddr)
    t->gofunc = gofunc;
  uint64_t types = ud_image_addr(img, md + v->md_types), etypes = ud_image_addr(img, md + v->md_etypes);
  if (types != 0 && types < etypes && etypes - types < (1ull << 32) &&
      in_data_segment(t->img, types, etypes))
    t->types = types, t->etypes = etypes;
}

/* Whether the FUNCDATA that t->gofunc places reads as the runtime's stack
 * maps: the argument map of a few runtime functions with pointer
 * arguments has at least one stack map and between one bit and one per
 * argument word (the stackmap header: n, nbit). A moduledata
 * field read at another release's offset fails this for all of them. */
static bool gofunc_fits(const ud_pclntab *t) {
  static const char *const names[] = {"runtime.cgocall", "runtime.newobject", "runtime.mallocgc",
                                      "runtime.gopark", "runtime.typedmemmove"};
  int fits = 0;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    ud_func f;
    uint64_t va;
    if (ud_pclntab_funcs_by_name(t, names[i], &f, 1) == 0 || ud_func_args(&f) <= 0 ||
        !ud_func_funcdata_addr(&f, 0, &va))
      continue;
    const uint8_t *h = ud_image_at(t->img, va, 8);
    if (h == NULL || rd32(h) == 0 || rd32(h) > 4096 || rd32(h + 4) == 0 ||
        (int32_t)rd32(h + 4) > ud_func_args(&f) / 8)
      return false;
    fits++;
  }
  return fits > 0;
}

/* The release's moduledata row. A release newer than every row (a
 * development tree may name one its sources are not) takes the newest row
 * whose FUNCDATA base reads as stack maps; none: every FUNCDATA absent. */
static void moduledata_choose(ud_pclntab *t, const uint8_t *md) {
  bool exact;
  const ud_goversion *v = ud_goversion_find(ud_image_go_release(t->img), &exact);
  moduledata_fields(t, md, v);
  if (v == NULL || exact || gofunc_fits(t))
    return;
  size_t n;
  const ud_goversion *rows = ud_goversion_rows(&n);
  for (size_t i = n; i-- > 0;) {
    moduledata_fields(t, md, &rows[i]);
    if (t->gofunc != 0 && gofunc_fits(t))
      return;
  }
  t->gofunc = 0;
}

static bool sub_region(const uint8_t *base, uint64_t total, uint64_t lo, uint64_t hi, region *r) {
  if (lo > hi || hi > total)
    return false;
  r->p = base + lo;
  r->len = hi - lo;
  return true;
}

ud_pclntab *ud_pclntab_open(const ud_image *img, ud_err *err) {
  ud_pclntab *t = calloc(1, sizeof *t);
  if (!t) {
    ud_fail(err, UD_E_NOMEM, "out of memory");
    return NULL;
  }
  t->img = img;
  const char *path = ud_image_path(img);
  const uint8_t *h = NULL;
  uint64_t avail = 0;
  if (locate(t, &h, &avail, err) != UD_OK)
    goto fail;
  bool go120 = t->magic == MAGIC_GO120;
  t->func_size = go120 ? 44 : 40;
  t->funcid_off = go120 ? 40 : 36;
  t->nfunc = rd64(h + 8);
  uint64_t text_start = ud_image_addr(img, h + 24); /* pcHeader.textStart, relocated */
  uint64_t o_names = rd64(h + 32), o_cu = rd64(h + 40), o_file = rd64(h + 48),
           o_pc = rd64(h + 56), o_pcln = rd64(h + 64);
  if (!sub_region(h, avail, o_names, o_cu, &t->funcnames) ||
      !sub_region(h, avail, o_cu, o_file, &t->cutab) ||
      !sub_region(h, avail, o_file, o_pc, &t->filetab) ||
      !sub_region(h, avail, o_pc, o_pcln, &t->pctab) ||
      !sub_region(h, avail, o_pcln, avail, &t->pcln) || o_names < HEADER_SIZE) {
    ud_fail(err, UD_E_CORRUPT, "%s: Go function table header is inconsistent", path);
    goto fail;
  }
  if (t->nfunc == 0 || t->nfunc > (t->pcln.len / 8) - 1 || t->pcln.len < 16) {
    ud_fail(err, UD_E_CORRUPT, "%s: Go function table truncated (%llu functions)", path,
            (unsigned long long)t->nfunc);
    goto fail;
  }
  /* Names and file names are NUL-terminated strings at offsets into their
   * tables: a terminated table makes every in-range offset safe. */
  if (t->funcnames.len == 0 || t->funcnames.p[t->funcnames.len - 1] != 0 ||
      (t->filetab.len && t->filetab.p[t->filetab.len - 1] != 0)) {
    ud_fail(err, UD_E_CORRUPT, "%s: Go function name table is corrupt", path);
    goto fail;
  }

  const uint8_t *md = find_moduledata(t, o_names);
  uint64_t sym;
  /* Text start: the header's (Go < 1.26), else runtime.text (what
   * moduledata.text holds), else moduledata.text itself. With external
   * linking the .text section starts with C code, so it is only a last
   * resort. */
  if (text_start)
    t->text = text_start;
  else if (ud_image_symbol(img, "runtime.text", &sym, NULL))
    t->text = sym;
  else if (md && ud_image_addr(img, md + MD_TEXT))
    t->text = ud_image_addr(img, md + MD_TEXT);
  else {
    uint64_t end;
    if (!ud_image_text(img, &t->text, &end)) {
      ud_fail(err, UD_E_CORRUPT, "%s: cannot find the Go text start", path);
      goto fail;
    }
  }
  index_names(t);
  if (md)
    moduledata_choose(t, md);
  /* FUNCDATA offsets are relative to moduledata.gofunc: the go:func.* symbol
   * (go.func.* before Go 1.20) where there is a symbol table. gofunc == 0
   * leaves every FUNCDATA absent rather than wrong. */
  if (ud_image_symbol(img, go120 ? "go:func.*" : "go.func.*", &sym, NULL))
    t->gofunc = sym;
  return t;
fail:
  free(t);
  return NULL;
}

void ud_pclntab_close(ud_pclntab *tab) { free(tab); }

uint32_t ud_pclntab_magic(const ud_pclntab *tab) { return tab->magic; }
uint64_t ud_pclntab_text_start(const ud_pclntab *tab) { return tab->text; }
size_t ud_pclntab_nfuncs(const ud_pclntab *tab) { return tab->nfunc; }
const ud_image *ud_pclntab_image(const ud_pclntab *tab) { return tab->img; }
uint64_t ud_pclntab_gofunc(const ud_pclntab *tab) { return tab->gofunc; }
bool ud_pclntab_types(const ud_pclntab *tab, uint64_t *lo, uint64_t *hi) {
  *lo = tab->types;
  *hi = tab->etypes;
  return tab->types != 0;
}

static inline const uint8_t *ftab_entry(const ud_pclntab *t, size_t i) {
  return t->pcln.p + 8 * i; /* i <= nfunc, bounded at open */
}

bool ud_pclntab_func_at(const ud_pclntab *tab, size_t index, ud_func *out) {
  if (index >= tab->nfunc)
    return false;
  const uint8_t *e = ftab_entry(tab, index);
  uint64_t funcoff = rd32(e + 4);
  if (funcoff > tab->pcln.len || tab->pcln.len - funcoff < tab->func_size)
    return false;
  const uint8_t *raw = tab->pcln.p + funcoff;
  uint64_t tail = 4 * ((uint64_t)rd32(raw + F_NPCDATA) + raw[tab->func_size - 1]);
  if (tail > tab->pcln.len - funcoff - tab->func_size)
    return false;
  out->tab = tab;
  out->raw = raw;
  out->entry = tab->text + rd32(e);
  out->end = tab->text + rd32(e + 8);
  return true;
}

bool ud_pclntab_find_func(const ud_pclntab *tab, uint64_t pc, ud_func *out) {
  if (pc < tab->text || pc - tab->text > UINT32_MAX)
    return false;
  uint32_t off = (uint32_t)(pc - tab->text);
  /* Last i with ftab[i].entryoff <= off, as findfunc's scan ends. */
  size_t lo = 0, hi = tab->nfunc; /* answer in [lo, hi) */
  if (rd32(ftab_entry(tab, 0)) > off || rd32(ftab_entry(tab, tab->nfunc)) <= off)
    return false;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (rd32(ftab_entry(tab, mid)) <= off)
      lo = mid;
    else
      hi = mid;
  }
  if (!ud_pclntab_func_at(tab, lo, out))
    return false;
  return out->entry <= pc && pc < out->end;
}

size_t ud_pclntab_funcs_by_name(const ud_pclntab *tab, const char *name, ud_func *out, size_t cap) {
  int k = indexed_slot(name);
  size_t n = 0;
  if (k >= 0) {
    for (size_t j = 0; j < tab->nnamed[k]; j++)
      if (n < cap && ud_pclntab_func_at(tab, tab->named[k][j], &out[n]))
        n++;
    return n;
  }
  for (size_t i = 0; i < tab->nfunc && n < cap; i++)
    if (ud_pclntab_func_at(tab, i, &out[n]) && strcmp(ud_func_name(&out[n]), name) == 0)
      n++;
  return n;
}

size_t ud_pclntab_nexports(const ud_pclntab *tab) { return tab->nexports; }

bool ud_pclntab_runtime_text(const ud_pclntab *tab, uint64_t *lo, uint64_t *hi) {
  *lo = tab->runtime_lo;
  *hi = tab->runtime_hi;
  return tab->runtime_hi > tab->runtime_lo;
}

bool ud_pclntab_func_by_name(const ud_pclntab *tab, const char *name, ud_func *out) {
  if (indexed_slot(name) >= 0)
    return ud_pclntab_funcs_by_name(tab, name, out, 1) == 1;
  for (size_t i = 0; i < tab->nfunc; i++) {
    ud_func f;
    if (ud_pclntab_func_at(tab, i, &f) && strcmp(ud_func_name(&f), name) == 0) {
      *out = f;
      return true;
    }
  }
  return false;
}

const char *ud_func_name(const ud_func *f) {
  int32_t off = (int32_t)rd32(f->raw + F_NAMEOFF);
  if (off < 0 || (uint64_t)off >= f->tab->funcnames.len)
    return "?";
  return (const char *)f->tab->funcnames.p + off;
}

int32_t ud_func_args(const ud_func *f) { return (int32_t)rd32(f->raw + F_ARGS); }
uint8_t ud_func_id(const ud_func *f) { return f->raw[f->tab->funcid_off]; }
uint8_t ud_func_flag(const ud_func *f) { return f->raw[f->tab->funcid_off + 1]; }
uint32_t ud_func_deferreturn(const ud_func *f) { return rd32(f->raw + F_DEFERRETURN); }
uint32_t ud_func_npcdata(const ud_func *f) { return rd32(f->raw + F_NPCDATA); }
uint8_t ud_func_nfuncdata(const ud_func *f) { return f->raw[f->tab->func_size - 1]; }

/* One varint, at most 5 bytes (uint32), inside [p, end). */
static inline bool varint(const uint8_t **pp, const uint8_t *end, uint32_t *out) {
  const uint8_t *p = *pp;
  uint32_t v = 0;
  for (unsigned shift = 0; p < end; shift += 7) {
    uint8_t b = *p++;
    v |= (uint32_t)(b & 0x7f) << (shift & 31);
    if (!(b & 0x80)) {
      *pp = p;
      *out = v;
      return true;
    }
    if (shift > 28)
      return false;
  }
  return false;
}

/* runtime.step: one (value delta, pc delta) pair. false at the end of the
 * table (a zero value delta after the first pair) or on truncation. */
static inline int step(const uint8_t **p, const uint8_t *end, uint64_t *pc, int32_t *val,
                       bool first) {
  if (*p >= end)
    return -1;
  uint32_t uv;
  if (**p == 0 && !first)
    return 0;
  if (!varint(p, end, &uv))
    return -1;
  *val = (int32_t)((uint32_t)*val + (-(uv & 1) ^ (uv >> 1))); /* wraps, as Go's int32 does */
  uint32_t pcdelta;
  if (!varint(p, end, &pcdelta))
    return -1;
  *pc += pcdelta; /* PCQuantum is 1 on amd64 */
  return 1;
}

static bool pctab_start(const ud_func *f, uint32_t off, const uint8_t **p, const uint8_t **end) {
  if (off == 0 || off >= f->tab->pctab.len)
    return false;
  *p = f->tab->pctab.p + off;
  *end = f->tab->pctab.p + f->tab->pctab.len;
  return true;
}

/* runtime.pcvalue: the value of the run containing targetpc. */
static bool pcvalue(const ud_func *f, uint32_t off, uint64_t targetpc, int32_t *out) {
  const uint8_t *p, *end;
  if (targetpc < f->entry || targetpc >= f->end || !pctab_start(f, off, &p, &end))
    return false;
  uint64_t pc = f->entry;
  int32_t val = -1;
  for (;;) {
    int r = step(&p, end, &pc, &val, pc == f->entry);
    if (r <= 0)
      return false; /* a table must cover every pc of its function */
    if (targetpc < pc) {
      *out = val;
      return true;
    }
  }
}

static uint32_t table_off(const ud_func *f, uint32_t table) {
  switch (table) {
  case UD_PCTAB_SP: return rd32(f->raw + F_PCSP);
  case UD_PCTAB_FILE: return rd32(f->raw + F_PCFILE);
  case UD_PCTAB_LINE: return rd32(f->raw + F_PCLN);
  }
  if (table >= ud_func_npcdata(f))
    return 0;
  return rd32(f->raw + f->tab->func_size + 4 * table);
}

bool ud_func_spdelta(const ud_func *f, uint64_t pc, int32_t *out) {
  return pcvalue(f, table_off(f, UD_PCTAB_SP), pc, out);
}

bool ud_func_pcdata(const ud_func *f, uint32_t table, uint64_t pc, int32_t *out) {
  if (table >= UD_PCTAB_SP)
    return false;
  return pcvalue(f, table_off(f, table), pc, out);
}

bool ud_func_fileline(const ud_func *f, uint64_t pc, const char **file, int32_t *line) {
  int32_t fileno, ln;
  if (!pcvalue(f, table_off(f, UD_PCTAB_FILE), pc, &fileno) ||
      !pcvalue(f, table_off(f, UD_PCTAB_LINE), pc, &ln) || fileno < 0)
    return false;
  const ud_pclntab *t = f->tab;
  uint64_t cu = (uint64_t)rd32(f->raw + F_CUOFFSET) + (uint32_t)fileno;
  if (cu >= t->cutab.len / 4)
    return false;
  uint32_t fileoff = rd32(t->cutab.p + 4 * cu);
  if (fileoff == UINT32_MAX || fileoff >= t->filetab.len)
    return false;
  *file = (const char *)t->filetab.p + fileoff;
  *line = ln;
  return true;
}

bool ud_func_funcdata_addr(const ud_func *f, uint8_t index, uint64_t *vaddr) {
  if (index >= ud_func_nfuncdata(f) || f->tab->gofunc == 0)
    return false;
  uint32_t off = rd32(f->raw + f->tab->func_size + 4 * (ud_func_npcdata(f) + index));
  if (off == UINT32_MAX)
    return false;
  *vaddr = f->tab->gofunc + off;
  return true;
}

const uint8_t *ud_func_funcdata(const ud_func *f, uint8_t index) {
  uint64_t va;
  if (!ud_func_funcdata_addr(f, index, &va))
    return NULL;
  return ud_image_at(f->tab->img, va, 8);
}

bool ud_func_pcruns(const ud_func *f, uint32_t table, ud_pcrun_fn fn, void *ctx) {
  const uint8_t *p, *end;
  if (!pctab_start(f, table_off(f, table), &p, &end))
    return false;
  uint64_t pc = f->entry, lo;
  int32_t val = -1;
  for (;;) {
    lo = pc;
    int r = step(&p, end, &pc, &val, pc == f->entry);
    if (r == 0)
      return true;
    if (r < 0 || pc < lo)
      return false;
    if (lo >= f->end)
      return true; /* runs past the function: not the runtime's business */
    if (pc > lo && !fn(ctx, lo, pc < f->end ? pc : f->end, val))
      return true;
  }
}
