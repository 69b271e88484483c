/* rt: attaching to one Go runtime: probe it, describe its gates, hook it. */
#include "attach.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "patch.h"
#include "log.h"
#include "ownstack.h"
#include "probe.h"

_Static_assert(offsetof(ud_rt, a) == 0, "the trampolines read ud_rt_asm at %r12");
_Static_assert(offsetof(ud_rt_asm, copystack) == UD_RT_COPYSTACK, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, reentersyscall) == UD_RT_REENTERSYSCALL, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, cgocallbackg1) == UD_RT_CGOCALLBACKG1, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, off_g_m) == UD_RT_OFF_G_M, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, off_m_g0) == UD_RT_OFF_M_G0, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, off_g_sched_sp) == UD_RT_OFF_G_SCHED_SP, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, off_g_stackguard0) == UD_RT_OFF_G_STACKGUARD0, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, off_g_stack_lo) == UD_RT_OFF_G_STACK_LO, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, off_g_stack_hi) == UD_RT_OFF_G_STACK_HI, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, gate0_x) == UD_RT_GATE0_X, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, has_bp) == UD_RT_HAS_BP, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, stackfree) == UD_RT_STACKFREE, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, stackalloc) == UD_RT_STACKALLOC, "rt_asm.h");
_Static_assert(offsetof(ud_rt_asm, exitsyscall) == UD_RT_EXITSYSCALL, "rt_asm.h");
_Static_assert(sizeof(ud_rt_asm) == UD_RT_ASM_SIZE, "rt_asm.h");

/* The probe's first reason, pointing at doctor for the others. */
static void first_reason(const ud_probe *p, char *why, size_t cap) {
  snprintf(why, cap, "%s%s", p->reasons[0], p->nreasons > 1 ? " (and more: undead doctor lists them)" : "");
}

ud_rt *ud_rt_attach(ud_image *img, const char *path, uint64_t bias, bool library,
                    const ud_options *opt, bool *quiet, char *why, size_t cap) {
  ud_err err = {0};
  *quiet = false;
  ud_pclntab *tab = ud_pclntab_open(img, &err);
  ud_probe *p = ud_alloc(sizeof *p);
  ud_rt *rt = ud_alloc(sizeof *rt);
  if (p == NULL || rt == NULL) {
    snprintf(why, cap, "out of memory");
    goto fail;
  }
  ud_probe_binary_opt(img, tab, err.msg, opt->check_layout_dwarf, p);
  if (!ud_probe_can_work(p)) {
    first_reason(p, why, cap);
    goto fail;
  }
  rt->img = img;
  rt->tab = tab;
  rt->bias = bias;
  snprintf(rt->path, sizeof rt->path, "%s", path);
  snprintf(rt->go_version, sizeof rt->go_version, "%s", p->go_version ? p->go_version : "unknown");
  rt->layout = p->layout;
  rt->sites = p->sites;
  rt->opt = opt;
  rt->names_at_report = !opt->check_layout_dwarf;
  rt->a = (ud_rt_asm){
      .copystack = p->sites.growth.callee_entry + bias,
      .reentersyscall = p->sites.cb_return.callee_entry + bias,
      .cgocallbackg1 = p->sites.cb_run.callee_entry + bias,
      .off_g_m = p->layout.g_m,
      .off_m_g0 = p->layout.m_g0,
      .off_g_sched_sp = p->layout.g_sched_sp,
      .off_g_stackguard0 = p->layout.g_stackguard0,
  };
  ud_gate_table_load(&rt->gates, p, bias);
  rt->a.off_g_stack_lo = p->layout.g_stack_lo;
  rt->a.off_g_stack_hi = p->layout.g_stack_hi;
  rt->a.gate0_x = rt->gates.gates[0].x_pc;
  rt->a.has_bp = p->layout.g_syscallbp >= 0;
  rt->a.stackfree = p->sites.left_free.callee_entry + bias;
  rt->a.exitsyscall = p->sites.cb_enter.callee_entry + bias;
  /* Layout and slot names are read: with check_layout_dwarf=1 the DWARF is
   * not needed again, and its inflated sections are the largest
   * allocation. */
  ud_image_release_dwarf(img);
  if (ud_hook_quarantines(rt) && opt->own_small_stacks) {
    char own_why[256] = "";
    int e;
    if (!ud_sites_find_stacks(img, tab, &rt->stacks))
      snprintf(own_why, sizeof own_why, "%s", rt->stacks.error);
    else if ((e = ud_ownstack_init()) == 0)
      rt->own_stacks = true;
    else if (e < 0)
      snprintf(own_why, sizeof own_why, "the address space is limited (RLIMIT_AS)");
    else
      snprintf(own_why, sizeof own_why, "cannot map a region for them: %s", strerror(e));
    if (!rt->own_stacks)
      ud_log("2 KiB stacks stay on the runtime's shared pages in %s (own_small_stacks): %s",
             rt->path, own_why);
    rt->a.stackalloc = rt->stacks.alloc_entry + bias;
  }
  if (!ud_hook_install(rt, why, cap))
    goto fail;
  rt->quarantine = ud_hook_quarantines(rt);
  if (opt->quarantine && !rt->quarantine)
    ud_log("quarantine is off in %s: %s", rt->path, p->sites.left_free.error);
  if (opt->verbosity >= 1) {
    const ud_gate_entry *g0 = &rt->gates.gates[0];
    ud_log("active: %s %s%s: %zu gate frame(s) (%s X=%s:%d Y=%s:%d, %zu undead candidate slot(s)); "
           "runtime.copystack hooked at %zu growth + %zu shrink site(s), the callback return in "
           "runtime.cgocallbackg%s%s%s; layout from %s%s%s; %s%zu exported Go function(s)%s",
           rt->go_version, library ? "Go library " : "", rt->path, rt->gates.n, g0->func_name, g0->x_file, g0->x_line, g0->y_file,
           g0->y_line, rt->gates.ncand, p->sites.growth.n, p->sites.shrink.n,
           opt->move_on_callback ? ", stack moved at every callback (move_on_callback)" : "",
           !ud_hook_quarantines(rt) ? ""
           : rt->own_stacks         ? ", left stacks quarantined, 2 KiB stacks on own pages"
                                    : ", left stacks quarantined",
           p->sites.exit_entry ? "" : " (no exit hook: no counts at exit)", rt->layout.source,
           rt->layout.agreed[0] ? ", agreeing: " : "", rt->layout.agreed,
           p->dwarf_read ? "" : "DWARF not read (check_layout_dwarf=0); ", p->nexports,
           p->nothing_to_watch ? ": no callback can open a gate, nothing will be checked" : "");
  }
  if (opt->verbosity >= 2)
    for (size_t i = 0; i < rt->gates.n; i++) {
      const ud_gate_entry *gi = &rt->gates.gates[i];
      for (size_t k = 0; k < gi->nslots; k++)
        ud_log("  gate %s slot sp+%d %s%s%s live at X%s", gi->func_name, gi->slots[k].sp_off,
               gi->slots[k].kind == UD_SLOT_ARG ? "arg" : "local", gi->slots[k].name[0] ? " " : "",
               gi->slots[k].name, gi->slots[k].live_at_y ? " and Y" : ", dead at Y (candidate)");
    }
  ud_free(p);
  return rt;
fail:
  *quiet = p != NULL && !p->cgo; /* a Go program without cgo is none of ours */
  ud_free(p);
  ud_free(rt);
  if (tab != NULL)
    ud_pclntab_close(tab);
  return NULL;
}
