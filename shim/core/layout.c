/* layout: runtime.g / runtime.m offsets from the type descriptors, DWARF
 * and the release's table, cross-checked.
 *
 * The DWARF comes from ud_image_dwarf (inflated sections, see debuginfo.c).
 * libdw allocates from the process's malloc: in the shim this runs only in
 * the constructor, before Go starts. */
#include "layout.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <string.h>

#include "goversion.h"
#include "typedesc.h"

/* ---- DWARF --------------------------------------------------------------- */

static bool member(Dwarf_Die *st, const char *name, int32_t *off, Dwarf_Die *type) {
  Dwarf_Die child;
  if (dwarf_child(st, &child) != 0)
    return false;
  do {
    if (dwarf_tag(&child) != DW_TAG_member)
      continue;
    const char *n = dwarf_diename(&child);
    if (n == NULL || strcmp(n, name) != 0)
      continue;
    Dwarf_Attribute attr;
    Dwarf_Word w;
    if (dwarf_attr(&child, DW_AT_data_member_location, &attr) == NULL ||
        dwarf_formudata(&attr, &w) != 0 || w > INT32_MAX)
      return false;
    *off = (int32_t)w;
    if (type != NULL) {
      Dwarf_Attribute tattr;
      /* Go names its types through typedefs: runtime.stack -> struct */
      if (dwarf_attr(&child, DW_AT_type, &tattr) == NULL || dwarf_formref_die(&tattr, type) == NULL ||
          dwarf_peel_type(type, type) != 0)
        return false;
    }
    return true;
  } while (dwarf_siblingof(&child, &child) == 0);
  return false;
}

/* Offset of a dotted member path ("stack.lo") inside struct st; the last
 * member's (peeled) type in *last. */
static bool member_path(Dwarf_Die *st, const char *path, int32_t *off, Dwarf_Die *last) {
  Dwarf_Die cur = *st, type;
  char part[64];
  int32_t total = 0;
  while (*path) {
    size_t len = strcspn(path, ".");
    if (len == 0 || len >= sizeof part)
      return false;
    memcpy(part, path, len);
    part[len] = 0;
    int32_t o;
    if (!member(&cur, part, &o, &type))
      return false;
    total += o;
    cur = type;
    path += len;
    if (*path == '.')
      path++;
  }
  *off = total;
  *last = cur;
  return true;
}

/* Finds the named structure types among the units' top-level DIEs. */
static void find_structs(Dwarf *dbg, const char *const *names, Dwarf_Die *out, bool *found,
                         size_t n) {
  Dwarf_Off off = 0, next;
  size_t hsize, left = n;
  while (left > 0 && dwarf_nextcu(dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
    Dwarf_Die cu, die;
    if (dwarf_offdie(dbg, off + hsize, &cu) != NULL && dwarf_child(&cu, &die) == 0) {
      do {
        if (dwarf_tag(&die) != DW_TAG_structure_type)
          continue;
        const char *name = dwarf_diename(&die);
        if (name == NULL)
          continue;
        for (size_t i = 0; i < n; i++)
          if (!found[i] && strcmp(name, names[i]) == 0 && dwarf_child(&die, &(Dwarf_Die){0}) == 0) {
            out[i] = die;
            found[i] = true;
            left--;
          }
      } while (left > 0 && dwarf_siblingof(&die, &die) == 0);
    }
    off = next;
  }
}

static const ud_layout_field fields[] = {
#define ROW(member, st, path, width, optional)                                           \
  {#member, (st) == UD_STRUCT_G ? "g." path : "m." path, st, path, width, optional, \
   offsetof(ud_layout, member)},
    UD_LAYOUT_FIELDS(ROW)
#undef ROW
};
enum { NFIELDS = sizeof fields / sizeof fields[0] };

const ud_layout_field *ud_layout_fields(size_t *count) {
  *count = NFIELDS;
  return fields;
}

static void set_field(ud_layout *l, const ud_layout_field *f, int32_t off) {
  memcpy((char *)l + f->offset, &off, sizeof off);
}

const ud_layout_field *ud_layout_diff(const ud_layout *a, const ud_layout *b) {
  for (size_t i = 0; i < NFIELDS; i++)
    if (ud_layout_get(a, &fields[i]) != ud_layout_get(b, &fields[i]))
      return &fields[i];
  return NULL;
}

static const char *const struct_names[] = {"runtime.g", "runtime.m"};

/* The byte size of a DIE's type (peeled; pointers have the CU's address
 * size), or 0. */
static Dwarf_Word die_size(Dwarf_Die *type) {
  Dwarf_Word w;
  return dwarf_aggregate_size(type, &w) == 0 ? w : 0;
}

int ud_layout_from_dwarf(const ud_image *img, ud_layout *out, ud_err *err) {
  Dwarf *dbg = ud_image_dwarf(img, err);
  if (dbg == NULL)
    return err != NULL ? (int)err->status : UD_E_NOT_FOUND;
  Dwarf_Die st[2];
  bool found[2] = {false, false};
  find_structs(dbg, struct_names, st, found, 2);
  for (int i = 0; i < 2; i++)
    if (!found[i])
      return ud_fail(err, UD_E_NOT_FOUND, "the DWARF has no type %s (only the C objects' DWARF: "
                     "a -ldflags=-w build?)", struct_names[i]);
  ud_layout l;
  memset(&l, 0, sizeof l);
  for (size_t i = 0; i < NFIELDS; i++) {
    const ud_layout_field *f = &fields[i];
    int32_t off;
    Dwarf_Die type;
    if (!member_path(&st[f->st], f->path, &off, &type)) {
      if (!f->optional)
        return ud_fail(err, UD_E_NOT_FOUND, "the DWARF of runtime.%c has no %s",
                       f->st == UD_STRUCT_G ? 'g' : 'm', f->path);
      off = -1;
    } else if (die_size(&type) != f->width) {
      return ud_fail(err, UD_E_CORRUPT, "%s is %llu bytes in the DWARF, not %u", f->name,
                     (unsigned long long)die_size(&type), f->width);
    }
    set_field(&l, f, off);
  }
  snprintf(l.source, sizeof l.source, "DWARF");
  *out = l;
  return UD_OK;
}

/* ---- type descriptors ---------------------------------------------------- */

/* Offset of a dotted path inside struct descriptor st; its type in *ftype. */
static int types_path(const ud_image *img, uint64_t st, const char *path, int32_t *off,
                      uint64_t *ftype, ud_err *err) {
  char part[64];
  int32_t total = 0;
  uint64_t cur = st;
  while (*path) {
    size_t len = strcspn(path, ".");
    if (len == 0 || len >= sizeof part)
      return ud_fail(err, UD_E_CORRUPT, "bad field path");
    memcpy(part, path, len);
    part[len] = 0;
    int32_t o;
    int rc = ud_typedesc_field(img, cur, part, &o, &cur, err);
    if (rc != UD_OK)
      return rc;
    total += o;
    path += len;
    if (*path == '.')
      path++;
  }
  *off = total;
  *ftype = cur;
  return UD_OK;
}

int ud_layout_from_types(const ud_image *img, const ud_pclntab *tab, ud_layout *out, char *where,
                         size_t cap, ud_err *err) {
  uint64_t st[2], mptr;
  int32_t moff;
  int rc = ud_typedesc_runtime_g(img, tab, &st[UD_STRUCT_G], where, cap, err);
  if (rc != UD_OK)
    return rc;
  /* runtime.m is reached through g.m, a *m */
  if ((rc = types_path(img, st[UD_STRUCT_G], "m", &moff, &mptr, err)) != UD_OK ||
      (rc = ud_typedesc_elem(img, mptr, &st[UD_STRUCT_M], err)) != UD_OK)
    return ud_fail(err, rc, "runtime.g's field m: %s", err ? err->msg : "");
  char name[32];
  if (ud_pclntab_types(tab, &(uint64_t){0}, &(uint64_t){0}) &&
      (!ud_typedesc_name(img, tab, st[UD_STRUCT_M], name, sizeof name) || strcmp(name, "runtime.m") != 0))
    return ud_fail(err, UD_E_CORRUPT, "runtime.g's field m does not point to a runtime.m");
  ud_layout l;
  memset(&l, 0, sizeof l);
  for (size_t i = 0; i < NFIELDS; i++) {
    const ud_layout_field *f = &fields[i];
    int32_t off;
    uint64_t ftype, size;
    uint8_t kind;
    ud_err ferr = {0};
    rc = types_path(img, st[f->st], f->path, &off, &ftype, &ferr);
    if (rc == UD_E_NOT_FOUND && f->optional) {
      off = -1;
    } else if (rc != UD_OK) {
      return ud_fail(err, rc, "%s: %s", f->name, ferr.msg);
    } else if (!ud_typedesc_kind(img, ftype, &kind, &size) || size != f->width) {
      return ud_fail(err, UD_E_CORRUPT, "%s is %llu bytes in the type descriptors, not %u", f->name,
                     (unsigned long long)size, f->width);
    }
    set_field(&l, f, off);
  }
  snprintf(l.source, sizeof l.source, "type descriptors");
  *out = l;
  return UD_OK;
}

/* ---- tables -------------------------------------------------------------- */

int ud_layout_from_table(int version, ud_layout *out, ud_err *err) {
  bool exact;
  char vb[16];
  const ud_goversion *v = ud_goversion_find(version, &exact);
  if (version <= 0)
    return ud_fail(err, UD_E_UNSUPPORTED, "unknown Go version: no table applies");
  if (v == NULL || !exact || v->layout == NULL)
    return ud_fail(err, UD_E_NOT_FOUND, "no table for Go %s", ud_goversion_name(version, vb, sizeof vb));
  *out = *v->layout;
  snprintf(out->source, sizeof out->source, "table go%s", ud_goversion_name(version, vb, sizeof vb));
  return UD_OK;
}

/* ---- all together -------------------------------------------------------- */

static const char *const source_names[UD_LSRC_COUNT] = {"type descriptors", "DWARF", "table"};
const char *ud_layout_source_name(enum ud_layout_source s) {
  return s < UD_LSRC_COUNT ? source_names[s] : "?";
}

int ud_layout_load(const ud_image *img, const ud_pclntab *tab, ud_layout *out,
                   ud_layout_sources *sources, ud_err *err) {
  return ud_layout_load_opt(img, tab, true, out, sources, err);
}

int ud_layout_load_opt(const ud_image *img, const ud_pclntab *tab, bool with_dwarf, ud_layout *out,
                       ud_layout_sources *sources, ud_err *err) {
  ud_layout_sources local;
  ud_layout_sources *s = sources != NULL ? sources : &local;
  memset(s, 0, sizeof *s);
  int rc;
  for (int i = 0; i < UD_LSRC_COUNT; i++) {
    ud_err e = {0};
    ud_layout *l = &s->each[i];
    switch (i) {
    case UD_LSRC_TYPES: rc = ud_layout_from_types(img, tab, l, s->where, sizeof s->where, &e); break;
    case UD_LSRC_DWARF:
      rc = with_dwarf ? ud_layout_from_dwarf(img, l, &e)
                      : ud_fail(&e, UD_E_NOT_FOUND, "not read (check_layout_dwarf=0)");
      break;
    default: rc = ud_layout_from_table(ud_image_go_release(img), l, &e); break;
    }
    s->ok[i] = rc == UD_OK;
    if (!s->ok[i])
      snprintf(s->why[i], sizeof s->why[i], "%s", e.msg);
  }
  int first = -1;
  for (int i = 0; i < UD_LSRC_COUNT; i++) {
    if (!s->ok[i])
      continue;
    if (first < 0) {
      first = i;
      continue;
    }
    const ud_layout_field *f = ud_layout_diff(&s->each[first], &s->each[i]);
    if (f != NULL)
      return ud_fail(err, UD_E_CORRUPT, "%s is at %d in the %s but at %d in the %s", f->name,
                     ud_layout_get(&s->each[first], f), s->each[first].source, ud_layout_get(&s->each[i], f),
                     s->each[i].source);
  }
  if (first < 0)
    return ud_fail(err, UD_E_UNSUPPORTED, "type descriptors: %s; DWARF: %s; %s", s->why[UD_LSRC_TYPES],
                   s->why[UD_LSRC_DWARF], s->why[UD_LSRC_TABLE]);
  *out = s->each[first];
  size_t used = 0;
  for (int i = first + 1; i < UD_LSRC_COUNT; i++)
    if (s->ok[i] && used < sizeof out->agreed)
      used += (size_t)snprintf(out->agreed + used, sizeof out->agreed - used, "%s%s", used ? ", " : "",
                               s->each[i].source);
  return UD_OK;
}
