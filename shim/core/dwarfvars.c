/* dwarfvars: slot -> Go variable name via DWARF location expressions. */
#include "dwarfvars.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ud_dwarfvars {
  Dwarf *dbg;
};

ud_dwarfvars *ud_dwarfvars_open(const ud_image *img, ud_err *err) {
  /* The image owns the DWARF; this handle only borrows it. */
  Dwarf *dbg = ud_image_dwarf(img, err);
  if (dbg == NULL)
    return NULL;
  ud_dwarfvars *dv = malloc(sizeof *dv);
  if (dv == NULL) {
    ud_fail(err, UD_E_NOMEM, "out of memory");
    return NULL;
  }
  dv->dbg = dbg;
  return dv;
}

void ud_dwarfvars_close(ud_dwarfvars *dv) {
  if (dv == NULL)
    return;
  free(dv);
}

/* Does the location expression put CFA-relative byte cfa_off inside the
 * variable? Sets *within to the byte offset inside the variable. */
static bool covers(const Dwarf_Op *ops, size_t n, int32_t cfa_off, Dwarf_Word var_size,
                   int64_t *within) {
  int64_t piece_start = 0, loc = 0;
  bool have_loc = false, pieces = false;
  for (size_t i = 0; i < n; i++) {
    switch (ops[i].atom) {
    case DW_OP_fbreg:
      have_loc = true;
      loc = (int64_t)ops[i].number;
      break;
    case DW_OP_call_frame_cfa:
      have_loc = true;
      loc = 0;
      if (i + 2 < n && ops[i + 1].atom == DW_OP_consts && ops[i + 2].atom == DW_OP_plus) {
        loc = (int64_t)ops[i + 1].number;
        i += 2;
      }
      break;
    case DW_OP_piece:
      pieces = true;
      if (have_loc && cfa_off >= loc && cfa_off < loc + (int64_t)ops[i].number) {
        *within = piece_start + (cfa_off - loc);
        return true;
      }
      piece_start += (int64_t)ops[i].number;
      have_loc = false;
      break;
    default:
      have_loc = false; /* a register or a computed value: not in the frame */
      break;
    }
  }
  int64_t size = var_size ? (int64_t)var_size : 8;
  if (!pieces && have_loc && cfa_off >= loc && cfa_off < loc + size) {
    *within = cfa_off - loc;
    return true;
  }
  return false;
}

static bool search(Dwarf_Die *parent, Dwarf_Addr pc, int32_t cfa_off, char *out, size_t cap,
                   int depth) {
  Dwarf_Die child;
  if (depth > 32 || dwarf_child(parent, &child) != 0)
    return false;
  do {
    int tag = dwarf_tag(&child);
    if (tag == DW_TAG_lexical_block) {
      if (dwarf_haspc(&child, pc) == 1 && search(&child, pc, cfa_off, out, cap, depth + 1))
        return true;
      continue;
    }
    if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable)
      continue;
    Dwarf_Attribute attr;
    if (dwarf_attr(&child, DW_AT_location, &attr) == NULL)
      continue;
    Dwarf_Op *expr;
    size_t len;
    if (dwarf_getlocation_addr(&attr, pc, &expr, &len, 1) != 1)
      continue;
    Dwarf_Word size = 0;
    Dwarf_Die type;
    Dwarf_Attribute tattr;
    if (dwarf_attr(&child, DW_AT_type, &tattr) != NULL && dwarf_formref_die(&tattr, &type) != NULL &&
        dwarf_aggregate_size(&type, &size) != 0)
      size = 0;
    int64_t within;
    const char *name = dwarf_diename(&child);
    if (name == NULL || !covers(expr, len, cfa_off, size, &within))
      continue;
    if (within == 0)
      snprintf(out, cap, "%s", name);
    else
      snprintf(out, cap, "%s+%lld", name, (long long)within);
    return true;
  } while (dwarf_siblingof(&child, &child) == 0);
  return false;
}

/* Without usable .debug_aranges dwarf_addrdie finds nothing: walk the
 * unit headers instead. */
static bool cu_by_scan(Dwarf *dbg, Dwarf_Addr pc, Dwarf_Die *cu) {
  Dwarf_Off off = 0, next;
  size_t hsize;
  while (dwarf_nextcu(dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
    if (dwarf_offdie(dbg, off + hsize, cu) != NULL && dwarf_haspc(cu, pc) == 1)
      return true;
    off = next;
  }
  return false;
}

bool ud_dwarfvars_name(ud_dwarfvars *dv, uint64_t pc, int32_t cfa_off, char *out, size_t cap) {
  if (dv == NULL || cap == 0)
    return false;
  Dwarf_Die cu, fn;
  if (dwarf_addrdie(dv->dbg, pc, &cu) == NULL && !cu_by_scan(dv->dbg, pc, &cu))
    return false;
  if (dwarf_child(&cu, &fn) != 0)
    return false;
  do {
    if (dwarf_tag(&fn) == DW_TAG_subprogram && dwarf_haspc(&fn, pc) == 1)
      return search(&fn, pc, cfa_off, out, cap, 0);
  } while (dwarf_siblingof(&fn, &fn) == 0);
  return false;
}
