/* image: a Go program's ELF image: bytes at addresses.
 *
 * One reader, two backings. For the tools, a file (ud_image_open): mapped
 * once (private pages, never written back), parsed with libelf. For the
 * shim, an object already loaded in this process (ud_image_open_loaded):
 * every byte the loader mapped (PT_LOAD: the function table, moduledata,
 * type descriptors, text) is read in place at its run-time address, and
 * the file is read only for what is not loaded, with pread: its section
 * headers (kept as a small table), and DWARF when ud_image_dwarf is asked
 * (copied, then the handle and descriptor are gone). Nothing of the file
 * stays mapped. Every pointer the image hands out lives as long as the
 * image (and, loaded, as long as the object). Addresses are link-time
 * virtual addresses ("vaddr"); a running process adds the load bias (0 for
 * a non-PIE executable). Address words read from the image's bytes go
 * through ud_image_addr, which undoes the loader's relocation. */
#ifndef UNDEAD_IMAGE_H
#define UNDEAD_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ud_error.h"

typedef struct ud_image ud_image;

/* Opens and indexes `path`. Returns NULL and fills err on failure
 * (UD_E_IO, UD_E_NOT_ELF, UD_E_CORRUPT). Never reads past the file. */
ud_image *ud_image_open(const char *path, ud_err *err);

/* The object loaded in this process from path, at bias, with the program
 * headers the loader used (dl_phdr_info's): UD_E_IO when the file is not
 * that object any more (its PT_LOAD headers differ). Its .symtab is not
 * loaded, so not read (ud_image_symbol sees .dynsym). */
ud_image *ud_image_open_loaded(const char *path, uintptr_t bias, const void *phdr, size_t phnum,
                               ud_err *err);
bool ud_image_is_loaded(const ud_image *img);

/* The address held in the 8-byte word at p (bytes the image handed out),
 * as a link-time vaddr: a loaded ET_DYN object's words were relocated by
 * the loader (bias added); a file's were not. 0 stays 0. */
uint64_t ud_image_addr(const ud_image *img, const void *p);

/* Whether the file at path is an x86-64 ELF built with Go: it has a Go
 * function table section (.gopclntab) or Go's build info (.go.buildinfo,
 * which Go 1.19's shared libraries have without the former). A few small
 * reads of its headers, no allocation, no libelf. The shim asks it of every program and library that might hold a
 * Go runtime, so it must cost next to nothing in those that do not. */
bool ud_file_has_go(const char *path);
void ud_image_close(ud_image *img);

const char *ud_image_path(const ud_image *img);

/* The bytes at [vaddr, vaddr+len) if they are file-backed (inside a PT_LOAD's
 * file image), else NULL. */
const void *ud_image_at(const ud_image *img, uint64_t vaddr, uint64_t len);

/* Like ud_image_at for one byte, and sets *avail to the file-backed bytes
 * from vaddr to the end of the segment holding it. */
const void *ud_image_span(const ud_image *img, uint64_t vaddr, uint64_t *avail);

/* The PT_LOAD segments (file image clipped to the file), in header order. */
size_t ud_image_nsegments(const ud_image *img);
bool ud_image_segment(const ud_image *img, size_t i, uint64_t *vaddr,
                      uint64_t *filesz, uint32_t *flags);

/* A section by name. Returns false if absent (SHT_NOBITS sections are
 * reported with *data == NULL). */
bool ud_image_section(const ud_image *img, const char *name, uint64_t *vaddr,
                      uint64_t *size, const void **data);

/* A symbol's value and size from .symtab, else .dynsym. */
bool ud_image_symbol(const ud_image *img, const char *name, uint64_t *value,
                     uint64_t *size);

bool ud_image_is_pie(const ud_image *img);       /* ET_DYN */
bool ud_image_has_symtab(const ud_image *img);   /* .symtab present */
bool ud_image_has_dwarf(const ud_image *img);    /* .debug_info or .zdebug_info */
/* Whether the image's DWARF (its own, or a separate debug file's, see
 * ud_image_dwarf) describes Go code (a unit in DW_LANG_Go), not only the C
 * objects a -ldflags=-w build keeps. Opens the DWARF. */
bool ud_image_has_go_dwarf(const ud_image *img);
/* The separate debug file the DWARF was read from, once opened; NULL when
 * it is the image's own or none. */
const char *ud_image_dwarf_separate(const ud_image *img);
bool ud_image_is_dynamic(const ud_image *img);   /* has PT_INTERP / PT_DYNAMIC */
bool ud_image_is_library(const ud_image *img);   /* ET_DYN without PT_INTERP */

/* The Go version string ("go1.19.8", "go1.26.8") from .go.buildinfo (or
 * runtime.buildVersion); NULL if none was found. */
const char *ud_image_go_version(const ud_image *img);

/* The Go release on goversion.h's scale (UD_GO(1, 19) = 119); 0 if
 * unknown. */
int ud_image_go_release(const ud_image *img);

/* The text segment / .text section bounds (vaddr). */
bool ud_image_text(const ud_image *img, uint64_t *start, uint64_t *end);


/* The image's DWARF (debuginfo.h): its own sections, else a separate debug
 * file's; opened on first use and kept until ud_image_close; NULL with err
 * set when there is none or it is unreadable. Not thread-safe. */
struct Dwarf *ud_image_dwarf(const ud_image *img, ud_err *err);
/* Frees the DWARF view (inflated sections, libdw's state); a later
 * ud_image_dwarf opens it again. */
void ud_image_release_dwarf(ud_image *img);
/* Ends libelf's handle and the DWARF view, freeing all they allocated: the
 * image keeps only its own mapping (a file's) or nothing (a loaded image)
 * and its indexes; a later ud_image_dwarf reads the DWARF again (a loaded
 * image from its file). The shim calls it once started. */
void ud_image_drop_elf(ud_image *img);

#endif
