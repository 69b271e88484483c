/* typedesc: reading type descriptors in place (see typedesc.h).
 *
 * Every read is bounded by the file (ud_image_at); a descriptor that leads
 * outside it, a name that does not end, or a field list out of order is an
 * error, never a guess. */
#include "typedesc.h"

#include <stdio.h>
#include <string.h>

#include "x86.h"

enum {
  TYPE_SIZE = 48,       /* abi.Type */
  OFF_KIND = 23,
  OFF_STR = 40,
  OFF_FIELDS = 56,      /* StructType.Fields: data, len, cap */
  OFF_ELEM = 48,        /* PtrType.Elem */
  FIELD_SIZE = 24,      /* StructField */
  TFLAG_EXTRA_STAR = 2, /* the name is "*T": skip the star */
  MAX_FIELDS = 4096,
  MAX_NAME = 1024,
};

static bool word(const ud_image *img, uint64_t vaddr, uint64_t *out) {
  const void *p = ud_image_at(img, vaddr, 8);
  if (p == NULL)
    return false;
  memcpy(out, p, 8);
  return true;
}

/* A pointer word: relocated by the loader in a loaded image. */
static bool addr_word(const ud_image *img, uint64_t vaddr, uint64_t *out) {
  const void *p = ud_image_at(img, vaddr, 8);
  if (p == NULL)
    return false;
  *out = ud_image_addr(img, p);
  return true;
}

bool ud_typedesc_kind(const ud_image *img, uint64_t type, uint8_t *kind, uint64_t *size) {
  const uint8_t *t = ud_image_at(img, type, TYPE_SIZE);
  if (t == NULL)
    return false;
  *kind = t[OFF_KIND] & 31;
  memcpy(size, t, 8);
  return true;
}

/* A name: flags byte, varint length, bytes. Points *s at the bytes. */
static bool read_name(const ud_image *img, uint64_t addr, const char **s, size_t *len) {
  uint64_t avail;
  const uint8_t *p = ud_image_span(img, addr, &avail);
  if (p == NULL || avail < 2)
    return false;
  uint64_t n = 0;
  size_t i = 1;
  for (unsigned shift = 0;; shift += 7) {
    if (i >= avail || shift > 21)
      return false;
    uint8_t b = p[i++];
    n |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      break;
  }
  if (n > MAX_NAME || n > avail - i)
    return false;
  *s = (const char *)p + i;
  *len = (size_t)n;
  return true;
}

int ud_typedesc_field(const ud_image *img, uint64_t st, const char *name, int32_t *off,
                      uint64_t *ftype, ud_err *err) {
  uint8_t kind;
  uint64_t size, data, n;
  if (!ud_typedesc_kind(img, st, &kind, &size) || kind != UD_KIND_STRUCT)
    return ud_fail(err, UD_E_CORRUPT, "type descriptor at %#llx is not a struct",
                   (unsigned long long)st);
  if (!addr_word(img, st + OFF_FIELDS, &data) || !word(img, st + OFF_FIELDS + 8, &n) || n > MAX_FIELDS ||
      ud_image_at(img, data, n * FIELD_SIZE) == NULL)
    return ud_fail(err, UD_E_CORRUPT, "the field list of the struct type at %#llx is unreadable",
                   (unsigned long long)st);
  size_t want = strlen(name);
  uint64_t prev = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t f = data + i * FIELD_SIZE, fname, typ, foff;
    const char *s;
    size_t len;
    if (!addr_word(img, f, &fname) || !addr_word(img, f + 8, &typ) || !word(img, f + 16, &foff) ||
        !read_name(img, fname, &s, &len))
      return ud_fail(err, UD_E_CORRUPT, "field %llu of the struct type at %#llx is unreadable",
                     (unsigned long long)i, (unsigned long long)st);
    /* Fields are laid out in order, inside the struct. */
    if (foff < prev || foff > size)
      return ud_fail(err, UD_E_CORRUPT, "field %llu of the struct type at %#llx is out of order",
                     (unsigned long long)i, (unsigned long long)st);
    prev = foff;
    if (len == want && memcmp(s, name, len) == 0) {
      uint8_t fk;
      uint64_t fsize;
      if (!ud_typedesc_kind(img, typ, &fk, &fsize) || foff + fsize > size || foff > INT32_MAX)
        return ud_fail(err, UD_E_CORRUPT, "field %s of the struct type at %#llx is inconsistent",
                       name, (unsigned long long)st);
      *off = (int32_t)foff;
      *ftype = typ;
      return UD_OK;
    }
  }
  return ud_fail(err, UD_E_NOT_FOUND, "no field %s", name);
}

int ud_typedesc_elem(const ud_image *img, uint64_t pt, uint64_t *elem, ud_err *err) {
  uint8_t kind;
  uint64_t size;
  if (!ud_typedesc_kind(img, pt, &kind, &size) || kind != UD_KIND_POINTER || !addr_word(img, pt + OFF_ELEM, elem) ||
      !ud_typedesc_kind(img, *elem, &kind, &size))
    return ud_fail(err, UD_E_CORRUPT, "type descriptor at %#llx is not a readable pointer type",
                   (unsigned long long)pt);
  return UD_OK;
}

bool ud_typedesc_name(const ud_image *img, const ud_pclntab *tab, uint64_t type, char *buf,
                      size_t cap) {
  uint64_t lo, hi;
  const uint8_t *t = ud_image_at(img, type, TYPE_SIZE);
  if (t == NULL || cap == 0 || !ud_pclntab_types(tab, &lo, &hi))
    return false;
  int32_t str;
  memcpy(&str, t + OFF_STR, 4);
  if (str <= 0 || lo + (uint64_t)str >= hi)
    return false;
  const char *s;
  size_t len;
  if (!read_name(img, lo + (uint64_t)str, &s, &len))
    return false;
  if ((t[20] & TFLAG_EXTRA_STAR) && len > 0 && s[0] == '*')
    s++, len--;
  if (len >= cap)
    return false;
  memcpy(buf, s, len);
  buf[len] = 0;
  return true;
}

int ud_typedesc_runtime_g(const ud_image *img, const ud_pclntab *tab, uint64_t *addr,
                          char *where, size_t cap, ud_err *err) {
  ud_func malg, newobject;
  if (!ud_pclntab_func_by_name(tab, "runtime.malg", &malg) ||
      !ud_pclntab_func_by_name(tab, "runtime.newobject", &newobject))
    return ud_fail(err, UD_E_NOT_FOUND, "runtime.malg or runtime.newobject is not in the function table");
  const uint8_t *code = ud_image_at(img, malg.entry, malg.end - malg.entry);
  uint64_t type, call;
  if (code == NULL || malg.end - malg.entry > (1u << 16) ||
      !ud_x86_call_arg_lea(code, (size_t)(malg.end - malg.entry), malg.entry, newobject.entry, &type, &call))
    return ud_fail(err, UD_E_NOT_FOUND,
                   "runtime.malg does not allocate with LEAQ type(RIP), AX; CALL runtime.newobject");
  uint8_t kind;
  uint64_t size;
  if (!ud_typedesc_kind(img, type, &kind, &size) || kind != UD_KIND_STRUCT || size < 64 || size > 4096)
    return ud_fail(err, UD_E_CORRUPT, "the type runtime.malg allocates (%#llx) is not a struct of a g's size",
                   (unsigned long long)type);
  /* The name is checked wherever the types section is known (always, for
   * a release in goversion.h's table). */
  char name[32];
  uint64_t lo, hi;
  bool named = ud_pclntab_types(tab, &lo, &hi);
  if (named && (!ud_typedesc_name(img, tab, type, name, sizeof name) || strcmp(name, "runtime.g") != 0))
    return ud_fail(err, UD_E_CORRUPT, "the type runtime.malg allocates (%#llx) is not named runtime.g",
                   (unsigned long long)type);
  snprintf(where, cap, "%#llx, allocated by runtime.malg at %#llx%s", (unsigned long long)type,
           (unsigned long long)call, named ? ", named runtime.g" : "");
  *addr = type;
  return UD_OK;
}
