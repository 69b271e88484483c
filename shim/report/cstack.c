#define UNW_LOCAL_ONLY
#include "cstack.h"


#include <libunwind.h>
#include <link.h>
#include <string.h>

#include "gosym.h"

static uintptr_t self_lo, self_hi;

static int find_self(struct dl_phdr_info *info, size_t size, void *p) {
  (void)size;
  uintptr_t a = (uintptr_t)p;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && a >= lo && a < lo + ph->p_memsz) {
      self_lo = lo;
      self_hi = lo + ph->p_memsz;
      return 1;
    }
  }
  return 0;
}

void ud_cstack_init(void) { dl_iterate_phdr(find_self, (void *)(uintptr_t)ud_cstack_init); }

/* Names the frames from cur on, innermost first. at_pc: the first frame
 * stopped at its IP (this function's own, or the instruction a signal
 * interrupted) rather than at a return address; skip_self: the first
 * frames kept are the first outside the shim. */
static int capture(unw_cursor_t *cur, bool at_pc, bool skip_self, const ud_pclntab *tab,
                   uint64_t bias, ud_report_frame *out, int cap) {
  int n = 0;
  do {
    unw_word_t ip = 0, sp = 0;
    if (unw_get_reg(cur, UNW_REG_IP, &ip) != 0 || ip == 0)
      break;
    /* After the first, a frame's IP is a return address, unless the frame
     * below it was a signal's (which stopped this one at its IP). */
    bool ret = !at_pc;
    at_pc = unw_is_signal_frame(cur) > 0;
    if (skip_self && n == 0 && ip >= self_lo && ip < self_hi)
      continue; /* the shim's own frames: the report, the hook */
    unw_get_reg(cur, UNW_REG_SP, &sp);
    ud_report_frame *fr = &out[n];
    memset(fr, 0, sizeof *fr);
    fr->sp = sp;
    ud_symbolize_go(tab, bias, ip, ret, fr);
    if (fr->func[0] == '\0') {
      unw_word_t off = 0;
      char name[sizeof fr->func];
      if (unw_get_proc_name(cur, name, sizeof name, &off) == 0)
        ud_str_fmt(fr->func, sizeof fr->func, "%.130s+%#lx", name, (unsigned long)off);
      else
        ud_str_fmt(fr->func, sizeof fr->func, "??");
    }
    n++;
  } while (n < cap && unw_step(cur) > 0);
  return n;
}

int ud_cstack_capture(const ud_pclntab *tab, uint64_t bias, ud_report_frame *out, int cap) {
  unw_context_t uc;
  unw_cursor_t cur;
  if (unw_getcontext(&uc) != 0 || unw_init_local(&cur, &uc) != 0)
    return 0;
  /* The first frame unwound is this function's own, stopped at its IP;
   * the shim's frames are left out, so it is never the first kept. */
  return capture(&cur, true, true, tab, bias, out, cap);
}

int ud_cstack_capture_at(const ud_pclntab *tab, uint64_t bias, void *ucontext,
                         ud_report_frame *out, int cap) {
  /* On x86-64 libunwind's context is the ucontext_t a signal handler gets;
   * UNW_INIT_SIGNAL_FRAME says its IP is where the thread stopped, not a
   * return address. */
  unw_cursor_t cur;
  if (unw_init_local2(&cur, (unw_context_t *)ucontext, UNW_INIT_SIGNAL_FRAME) != 0)
    return 0;
  return capture(&cur, true, false, tab, bias, out, cap);
}

void ud_cstack_name_pc(const ud_pclntab *tab, uint64_t bias, uint64_t pc, char *out, size_t cap) {
  ud_report_frame fr;
  memset(&fr, 0, sizeof fr);
  ud_symbolize_go(tab, bias, pc, 0, &fr);
  if (fr.func[0] != '\0') {
    if (fr.file[0] != '\0')
      ud_str_fmt(out, cap, "%s (%s:%d)", fr.func, ud_report_basename(fr.file), fr.line);
    else
      ud_str_fmt(out, cap, "%s", fr.func);
    return;
  }
  /* libunwind's local accessor names an address from the ELF symbol
   * table of the object mapped there, as it names a frame */
  unw_accessors_t *acc = unw_get_accessors(unw_local_addr_space);
  char name[128];
  unw_word_t off = 0;
  if (acc != NULL && acc->get_proc_name != NULL &&
      acc->get_proc_name(unw_local_addr_space, (unw_word_t)pc, name, sizeof name, &off, NULL) == 0)
    ud_str_fmt(out, cap, "%.127s+%#lx", name, (unsigned long)off);
  else
    ud_str_fmt(out, cap, "%#llx", (unsigned long long)pc);
}
