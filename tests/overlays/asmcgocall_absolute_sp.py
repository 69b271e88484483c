"""Shape 5 of the class: asmcgocall saves the goroutine's absolute SP on
the system stack, not its depth below g.stack.hi, and restores SP from it
when the C function returns. A callback that moved the stack in between
leaves that word pointing into the stack the goroutine left: the gate
resumes there (the runtime's comment on the depth: "can't just save SP, as
stack might be copied during a callback"). Both the save and the restore
of the Go-stack path are changed; the already-on-the-system-stack path
(nosave) saves the absolute SP anyway."""
import overlay_lib as ol

goroot, out = ol.args()
rel = "src/runtime/asm_amd64.s"
src = ol.read(goroot, rel)
src = ol.sub_once(
    src,
    r"^\tMOVQ\t\(g_stack\+stack_hi\)\(DI\), DI\n\tSUBQ\tDX, DI\n\tMOVQ\tDI, (\d+)\(SP\)\t// save depth in stack[^\n]*$",
    r"\tMOVQ\tDX, \1(SP)\t// save SP (not the depth below stack.hi)",
    "asmcgocall's save")
src = ol.sub_once(
    src,
    r"^\tMOVQ\t\(g_stack\+stack_hi\)\(DI\), SI\n\tSUBQ\t(\d+)\(SP\), SI$",
    r"\tMOVQ\t\1(SP), SI",
    "asmcgocall's restore")
ol.write(out, rel, src)
