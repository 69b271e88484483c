/* typedesc: the runtime's own type descriptors, as every Go binary holds
 * them in its read-only data, stripped or not (internal/abi.Type and
 * StructType; runtime._type before Go 1.21, the same bytes).
 *
 *   Type (48 bytes): size uintptr, ptrdata uintptr, hash uint32, tflag u8,
 *     align u8, fieldAlign u8, kind u8 (low 5 bits), equal func, gcdata
 *     *byte, str nameOff int32 (from moduledata.types), ptrToThis int32
 *   StructType: Type, pkgPath name, fields []StructField (at 56: ptr, len)
 *   StructField (24 bytes): name name, typ *Type, offset uintptr
 *   PtrType: Type, elem *Type (at 48)
 *   name: *byte -> flags u8, varint length, the bytes
 * Identical from Go 1.19 (the first release with StructField.offset rather
 * than offsetEmbed, and varint name lengths) through 1.27.
 *
 * Pointers inside descriptors are link-time addresses; in a PIE the
 * linker also writes them into the file (R_X86_64_RELATIVE with the value
 * in place), so the file can be read as is. */
#ifndef UNDEAD_TYPEDESC_H
#define UNDEAD_TYPEDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ud_error.h"
#include "image.h"
#include "pclntab.h"

enum {
  UD_KIND_POINTER = 22,
  UD_KIND_STRUCT = 25,
};

/* runtime.g's descriptor: the type runtime.malg allocates (`new(g)`:
 * LEAQ type(RIP), AX; CALL runtime.newobject). Checked to be a struct and,
 * where the image's types section is known, to be named runtime.g. `where`
 * says how it was found. */
int ud_typedesc_runtime_g(const ud_image *img, const ud_pclntab *tab, uint64_t *addr,
                          char *where, size_t cap, ud_err *err);

/* The descriptor's kind (low 5 bits) and size; false if unreadable. */
bool ud_typedesc_kind(const ud_image *img, uint64_t type, uint8_t *kind, uint64_t *size);

/* The field `name` of struct type st: its offset and type. UD_E_NOT_FOUND
 * when the struct has no such field. */
int ud_typedesc_field(const ud_image *img, uint64_t st, const char *name, int32_t *off,
                      uint64_t *ftype, ud_err *err);

/* The element type of pointer type pt. */
int ud_typedesc_elem(const ud_image *img, uint64_t pt, uint64_t *elem, ud_err *err);

/* The type's name ("runtime.g"), resolved from moduledata.types; false when
 * the types section is unknown or the name unreadable. */
bool ud_typedesc_name(const ud_image *img, const ud_pclntab *tab, uint64_t type, char *buf,
                      size_t cap);

#endif
