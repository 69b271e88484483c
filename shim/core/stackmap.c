/* stackmap: getStackMap (runtime/stkframe.go; stack.go in Go 1.19) on a
 * frame described by (function, pc) instead of a live stack.
 *
 * A stackmap FUNCDATA is {n int32, nbit int32, bytedata[n][(nbit+7)/8]};
 * bit i of bitmap k says whether word i (from the low end of the area) holds
 * a live pointer at safe points whose PCDATA_StackMapIndex is k. */
#include "stackmap.h"

#include <stdio.h>
#include <string.h>

#define PTR 8
#define MIN_FRAME_SIZE 0 /* sys.MinFrameSize on amd64 */
#define MAX_MAP_BYTES (1u << 24)

typedef struct bitvec {
  int32_t n;           /* bits */
  const uint8_t *data; /* NULL when n == 0 */
} bitvec;

static inline int32_t rd32(const uint8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* The stackmap FUNCDATA `index`, or n == -1 if absent. The whole map is
 * checked to lie in the file before any bitmap is handed out. */
static bool load_map(const ud_func *f, uint8_t index, int32_t *n, int32_t *nbit,
                     const uint8_t **bytes) {
  uint64_t va;
  const ud_image *img = ud_pclntab_image(f->tab);
  const uint8_t *h;
  if (!ud_func_funcdata_addr(f, index, &va) || !(h = ud_image_at(img, va, 8))) {
    *n = -1;
    return false;
  }
  *n = rd32(h);
  *nbit = rd32(h + 4);
  if (*n <= 0 || *nbit < 0)
    return false;
  uint64_t total = (uint64_t)*n * (uint64_t)((*nbit + 7) >> 3);
  if (total > MAX_MAP_BYTES || !(*bytes = ud_image_at(img, va + 8, total)))
    return false;
  return true;
}

/* getStackMap's stack map index: PCDATA_StackMapIndex at the CALL (pc - 1)
 * unless pc is the entry; -1 (no value) is read as 0. */
static int32_t stackmap_index(const ud_func *f, uint64_t pc) {
  int32_t idx = -1;
  if (pc != f->entry && !ud_func_pcdata(f, UD_PCDATA_StackMapIndex, pc - 1, &idx))
    idx = -1;
  return idx == -1 ? 0 : idx;
}

static int geometry(const ud_func *f, uint64_t pc, ud_frame_layout *fr, ud_err *err) {
  int32_t spdelta;
  if (!ud_func_spdelta(f, pc, &spdelta) || spdelta < 0 || spdelta > 0x7fff0000)
    return ud_fail(err, UD_E_CORRUPT, "%s: no stack pointer delta at pc 0x%llx",
                   ud_func_name(f), (unsigned long long)pc);
  memset(fr, 0, sizeof *fr);
  fr->spdelta = spdelta;
  fr->fp_off = spdelta + PTR; /* the return address */
  fr->varp_off = fr->fp_off - PTR;
  if (fr->varp_off > 0)
    fr->varp_off -= PTR; /* the saved frame pointer */
  fr->argp_off = fr->fp_off + MIN_FRAME_SIZE;
  fr->stackmap_index = stackmap_index(f, pc);
  return UD_OK;
}

static const char *pc_where(const ud_func *f, uint64_t pc, char *buf, size_t n) {
  snprintf(buf, n, "%s (pc 0x%llx)", ud_func_name(f), (unsigned long long)pc);
  return buf;
}

int ud_stackmap_live_at(const ud_func *f, uint64_t pc, ud_frame_layout *frame,
                        ud_live_slot *slots, size_t cap, size_t *nslots, ud_err *err) {
  ud_frame_layout fr;
  char where[160];
  *nslots = 0;
  int rc = geometry(f, pc, &fr, err);
  if (rc != UD_OK)
    return rc;
  int32_t idx = fr.stackmap_index;
  bitvec locals = {0, NULL}, args = {0, NULL};

  /* Locals: only when the frame has room above the minimum frame. */
  if (fr.varp_off > MIN_FRAME_SIZE) {
    int32_t n, nbit = 0;
    const uint8_t *bytes = NULL;
    bool ok = load_map(f, UD_FUNCDATA_LocalsPointerMaps, &n, &nbit, &bytes);
    if (n <= 0)
      return ud_fail(err, UD_E_CORRUPT, "missing stackmap: %s has untyped locals",
                     pc_where(f, pc, where, sizeof where));
    if (nbit > 0) {
      if (idx < 0 || idx >= n)
        return ud_fail(err, UD_E_CORRUPT, "bad symbol table: stack map index %d of %d in %s",
                       idx, n, pc_where(f, pc, where, sizeof where));
      if (!ok)
        return ud_fail(err, UD_E_CORRUPT, "locals stack map of %s lies outside the file",
                       ud_func_name(f));
      locals.n = nbit;
      locals.data = bytes + (size_t)idx * ((nbit + 7) >> 3);
    }
  }

  /* Arguments: Go 1.20+ (argMapInternal) consults the map when the declared
   * size is positive; Go 1.18/1.19 (getArgInfo) whenever frame.arglen =
   * uintptr(f.args) is nonzero, ArgsSizeUnknown included. The reflect stubs
   * with unknown size take their map from the live frame: not knowable
   * statically, reported as no argument slots. */
  int32_t fargs = ud_func_args(f);
  bool go118 = ud_pclntab_magic(f->tab) == 0xfffffff0u;
  bool want_args;
  if (fargs == UD_ARGS_SIZE_UNKNOWN) {
    const char *name = ud_func_name(f);
    bool reflect = !strcmp(name, "reflect.makeFuncStub") || !strcmp(name, "reflect.methodValueCall");
    want_args = go118 && !reflect;
  } else {
    want_args = go118 ? fargs != 0 : fargs / PTR > 0;
  }
  if (want_args) {
    int32_t n, nbit = 0;
    const uint8_t *bytes = NULL;
    bool ok = load_map(f, UD_FUNCDATA_ArgsPointerMaps, &n, &nbit, &bytes);
    if (n <= 0)
      return ud_fail(err, UD_E_CORRUPT, "missing stackmap: %s has untyped args",
                     pc_where(f, pc, where, sizeof where));
    if (idx < 0 || idx >= n)
      return ud_fail(err, UD_E_CORRUPT, "bad symbol table: stack map index %d of %d args maps in %s",
                     idx, n, pc_where(f, pc, where, sizeof where));
    if (nbit > 0) {
      if (!ok)
        return ud_fail(err, UD_E_CORRUPT, "args stack map of %s lies outside the file",
                       ud_func_name(f));
      args.n = nbit;
      args.data = bytes + (size_t)idx * ((nbit + 7) >> 3);
    }
  }

  fr.nlocals = (uint32_t)locals.n;
  fr.nargs = (uint32_t)args.n;
  if (frame)
    *frame = fr;
  size_t k = 0;
  int64_t base = (int64_t)fr.varp_off - (int64_t)locals.n * PTR;
  for (int32_t i = 0; i < locals.n; i++)
    if (locals.data[i >> 3] >> (i & 7) & 1) {
      if (k < cap)
        slots[k] = (ud_live_slot){(int32_t)(base + (int64_t)i * PTR), UD_SLOT_LOCAL, (uint32_t)i};
      k++;
    }
  for (int32_t i = 0; i < args.n; i++)
    if (args.data[i >> 3] >> (i & 7) & 1) {
      if (k < cap)
        slots[k] = (ud_live_slot){(int32_t)(fr.argp_off + (int64_t)i * PTR), UD_SLOT_ARG, (uint32_t)i};
      k++;
    }
  *nslots = k;
  return UD_OK;
}

/* FUNCDATA_StackObjects: {n uintptr; stackObjectRecord[n]}, a record being
 * {off int32 (varp-relative if negative, else argp-relative), size int32,
 * ptrdata int32 (Go 1.19: negated when a GC program is used), gcdataoff
 * uint32}. Same layout in Go 1.18 through current. */
int ud_stackmap_objects(const ud_func *f, uint64_t pc, ud_stack_object *objs, size_t cap,
                        size_t *nobjs, ud_err *err) {
  ud_frame_layout fr;
  *nobjs = 0;
  int rc = geometry(f, pc, &fr, err);
  if (rc != UD_OK)
    return rc;
  uint64_t va;
  const ud_image *img = ud_pclntab_image(f->tab);
  if (!ud_func_funcdata_addr(f, UD_FUNCDATA_StackObjects, &va))
    return UD_OK;
  const uint8_t *h = ud_image_at(img, va, 8);
  uint64_t n;
  if (!h)
    return ud_fail(err, UD_E_CORRUPT, "stack objects of %s lie outside the file", ud_func_name(f));
  memcpy(&n, h, 8);
  const uint8_t *r;
  if (n > (1u << 16) || !(r = ud_image_at(img, va + 8, n * 16)))
    return ud_fail(err, UD_E_CORRUPT, "stack objects of %s lie outside the file", ud_func_name(f));
  for (uint64_t i = 0; i < n; i++, r += 16) {
    int32_t off = rd32(r), size = rd32(r + 4), ptrdata = rd32(r + 8);
    if (i < cap) {
      int64_t base = off < 0 ? fr.varp_off : fr.argp_off;
      objs[i] = (ud_stack_object){(int32_t)(base + off), (uint32_t)size,
                                  (uint32_t)(ptrdata < 0 ? -(int64_t)ptrdata : ptrdata)};
    }
  }
  *nobjs = n;
  return UD_OK;
}
