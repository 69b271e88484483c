"""Shape 2 of the class: cgocallbackg keeps the saved syscall SP as a
uintptr (before the fix it was one), so a stack move inside the callback
does not adjust it and reentersyscall restores a stale g.syscallsp. The
runtime's own bounds check in reentersyscall then throws ("entersyscall
inconsistent sp"), after the fact."""
import overlay_lib as ol

goroot, out = ol.args()
rel = "src/runtime/cgocall.go"
src = ol.read(goroot, rel)
src = ol.sub_once(src, r"^\tsavedsp := unsafe\.Pointer\(gp\.syscallsp\)$", "\tsavedsp := gp.syscallsp", "cgocallbackg")
ol.write(out, rel, src)
