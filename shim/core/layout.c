/* layout: runtime.g / runtime.m offsets from DWARF or a verified table, and
 * the TLS slot of g read from the code.
 *
 * The DWARF comes from ud_image_dwarf (inflated sections, see debuginfo.c).
 * libdw allocates from the process's malloc: in the shim this runs only in
 * the constructor, before Go starts. */
#include "layout.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <string.h>

#include "x86.h"

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

/* Offset of a dotted member path ("stack.lo") inside struct st. */
static bool member_path(Dwarf_Die *st, const char *path, int32_t *off) {
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

int ud_layout_from_dwarf(const ud_image *img, ud_layout *out, ud_err *err) {
  Dwarf *dbg = ud_image_dwarf(img, err);
  if (dbg == NULL)
    return err != NULL ? (int)err->status : UD_E_NOT_FOUND;
  static const char *const names[2] = {"runtime.g", "runtime.m"};
  Dwarf_Die st[2];
  bool found[2] = {false, false};
  find_structs(dbg, names, st, found, 2);
  int rc = UD_OK;
  for (int i = 0; i < 2 && rc == UD_OK; i++)
    if (!found[i])
      rc = ud_fail(err, UD_E_NOT_FOUND, "the DWARF of %s has no type %s", ud_image_path(img),
                   names[i]);
  if (rc != UD_OK)
    return rc;
  static const struct {
    int which; /* 0: runtime.g, 1: runtime.m */
    const char *path;
    size_t field;
    bool optional;
  } fields[] = {
      {0, "stack.lo", offsetof(ud_layout, g_stack_lo), false},
      {0, "stack.hi", offsetof(ud_layout, g_stack_hi), false},
      {0, "stackguard0", offsetof(ud_layout, g_stackguard0), false},
      {0, "sched.sp", offsetof(ud_layout, g_sched_sp), false},
      {0, "sched.pc", offsetof(ud_layout, g_sched_pc), false},
      {0, "sched.bp", offsetof(ud_layout, g_sched_bp), false},
      {0, "syscallsp", offsetof(ud_layout, g_syscallsp), false},
      {0, "syscallpc", offsetof(ud_layout, g_syscallpc), false},
      {0, "syscallbp", offsetof(ud_layout, g_syscallbp), true}, /* Go 1.23+ */
      {0, "m", offsetof(ud_layout, g_m), false},
      {0, "atomicstatus", offsetof(ud_layout, g_atomicstatus), false},
      {0, "goid", offsetof(ud_layout, g_goid), false},
      {1, "g0", offsetof(ud_layout, m_g0), false},
      {1, "curg", offsetof(ud_layout, m_curg), false},
  };
  ud_layout l;
  memset(&l, 0, sizeof l);
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    int32_t off;
    if (!member_path(&st[fields[i].which], fields[i].path, &off)) {
      if (!fields[i].optional) {
        rc = ud_fail(err, UD_E_NOT_FOUND, "the DWARF of %s has no %s.%s", ud_image_path(img),
                     names[fields[i].which], fields[i].path);
        break;
      }
      off = -1;
    }
    memcpy((char *)&l + fields[i].field, &off, sizeof off);
  }
  if (rc != UD_OK)
    return rc;
  snprintf(l.source, sizeof l.source, "dwarf");
  l.tls_g_offset = out->tls_g_offset;
  *out = l;
  return UD_OK;
}

/* ---- tables -------------------------------------------------------------- */

int ud_layout_from_table(int go_minor, ud_layout *out, ud_err *err) {
  size_t n;
  const ud_layout_table_entry *t = ud_layout_tables(&n);
  char known[64] = "";
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    if (t[i].go_minor == go_minor) {
      int64_t tls = out->tls_g_offset;
      *out = t[i].layout;
      out->tls_g_offset = tls;
      return UD_OK;
    }
    if (used < sizeof known)
      used += (size_t)snprintf(known + used, sizeof known - used, "%s%d.%d", i ? ", " : "",
                               t[i].go_minor / 100, t[i].go_minor % 100);
  }
  if (go_minor <= 0)
    return ud_fail(err, UD_E_UNSUPPORTED, "unknown Go version: no built-in runtime layout applies");
  return ud_fail(err, UD_E_UNSUPPORTED, "no built-in runtime layout for Go %d.%d (known: %s)",
                 go_minor / 100, go_minor % 100, known);
}

/* ---- TLS slot of g ------------------------------------------------------- */

/* Functions that load g from TLS in their first FS access: load_g/save_g
 * where the port has them, else the assembly entry points that must find g
 * without R14 (asmcgocall, cgocallback, morestack). Several functions of
 * one name can exist (asmcgocall and its ABI wrapper share the name in the
 * function table). */
static const char *const tls_readers[] = {
    "runtime.load_g", "runtime.save_g", "runtime.asmcgocall", "runtime.cgocallback",
    "runtime.morestack",
};
enum { NREADERS = sizeof tls_readers / sizeof tls_readers[0] };

int ud_layout_tls_g_offset(const ud_image *img, const ud_pclntab *tab, int64_t *out,
                           ud_err *err) {
  int64_t seen = 0;
  const char *seen_in = NULL;
  uint64_t seen_at = 0;
  size_t nf = ud_pclntab_nfuncs(tab);
  for (size_t i = 0; i < nf; i++) {
    ud_func f;
    if (!ud_pclntab_func_at(tab, i, &f))
      continue;
    const char *name = ud_func_name(&f);
    if (name == NULL || strncmp(name, "runtime.", 8) != 0)
      continue;
    size_t r;
    for (r = 0; r < NREADERS; r++)
      if (strcmp(name, tls_readers[r]) == 0)
        break;
    if (r == NREADERS || f.end <= f.entry || f.end - f.entry > (1u << 20))
      continue;
    const uint8_t *code = ud_image_at(img, f.entry, f.end - f.entry);
    int64_t off;
    uint64_t at;
    if (code == NULL || !ud_x86_fs_load(code, (size_t)(f.end - f.entry), f.entry, &off, &at))
      continue;
    if (seen_in != NULL && off != seen) {
      return ud_fail(err, UD_E_UNSUPPORTED,
                     "TLS slot of g is ambiguous: %%fs:%lld at %#llx (%s), %%fs:%lld at %#llx (%s)",
                     (long long)seen, (unsigned long long)seen_at, seen_in, (long long)off,
                     (unsigned long long)at, name);
    }
    seen = off;
    seen_in = name;
    seen_at = at;
  }
  if (seen_in == NULL)
    return ud_fail(err, UD_E_NOT_FOUND,
                   "no load of g from TLS found in runtime.asmcgocall / cgocallback / morestack");
  if (seen >= 0 || seen % 8 != 0)
    return ud_fail(err, UD_E_UNSUPPORTED, "TLS slot of g at %%fs:%lld (%s) is not a negative word offset",
                   (long long)seen, seen_in);
  /* x86-64 TLS variant II: the executable's block ends at the thread
   * pointer, so a TLS symbol's offset is its st_value minus the block size
   * rounded up to the segment's alignment. */
  uint64_t memsz, align;
  if (ud_image_tls(img, &memsz, &align)) {
    if (align == 0)
      align = 1;
    uint64_t block = (memsz + align - 1) / align * align;
    if ((uint64_t)(-seen) > block)
      return ud_fail(err, UD_E_UNSUPPORTED,
                     "TLS slot of g at %%fs:%lld (%s) lies outside the %llu-byte TLS block",
                     (long long)seen, seen_in, (unsigned long long)block);
    uint64_t tlsg, size;
    if (ud_image_symbol(img, "runtime.tlsg", &tlsg, &size) && (int64_t)(tlsg - block) != seen)
      return ud_fail(err, UD_E_UNSUPPORTED,
                     "TLS slot of g: code says %%fs:%lld (%s), runtime.tlsg and PT_TLS say %%fs:%lld",
                     (long long)seen, seen_in, (long long)(tlsg - block));
  }
  *out = seen;
  return UD_OK;
}

/* ---- all together -------------------------------------------------------- */

int ud_layout_load(const ud_image *img, const ud_pclntab *tab, ud_layout *out, ud_err *err) {
  ud_layout l;
  memset(&l, 0, sizeof l);
  int rc = ud_layout_tls_g_offset(img, tab, &l.tls_g_offset, err);
  if (rc != UD_OK)
    return rc;
  ud_err dwarf_err = {0};
  if (ud_image_has_dwarf(img)) {
    rc = ud_layout_from_dwarf(img, &l, &dwarf_err);
    if (rc == UD_OK) {
      *out = l;
      return UD_OK;
    }
  }
  ud_err table_err = {0};
  rc = ud_layout_from_table(ud_image_go_minor(img), &l, &table_err);
  if (rc != UD_OK) {
    if (dwarf_err.status != UD_OK)
      return ud_fail(err, UD_E_UNSUPPORTED, "%s, and %s", dwarf_err.msg, table_err.msg);
    return ud_fail(err, UD_E_UNSUPPORTED, "%s has no DWARF and %s; build it without -ldflags=-w",
                   ud_image_path(img), table_err.msg);
  }
  *out = l;
  return UD_OK;
}

size_t ud_layout_missing(const ud_layout *l, const char **names, size_t cap) {
  const struct {
    const char *name;
    int32_t off;
  } need[] = {
      {"g.stack.lo", l->g_stack_lo},   {"g.stack.hi", l->g_stack_hi},
      {"g.sched.sp", l->g_sched_sp},   {"g.sched.pc", l->g_sched_pc},
      {"g.syscallsp", l->g_syscallsp}, {"g.syscallpc", l->g_syscallpc},
      {"g.m", l->g_m},                 {"g.atomicstatus", l->g_atomicstatus},
      {"g.goid", l->g_goid},           {"m.g0", l->m_g0},
      {"m.curg", l->m_curg},
  };
  size_t n = 0;
  for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
    if (need[i].off < 0) {
      if (n < cap)
        names[n] = need[i].name;
      n++;
    }
  return n;
}
