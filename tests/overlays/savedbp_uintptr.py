"""Shape 3 of the class (Go issue 69085, Go 1.23 and later): cgocallbackg
keeps the saved syscall BP as a uintptr, so a stack move inside the
callback leaves g.syscallbp stale when reentersyscall restores it; the
runtime's bp bounds check in reentersyscall (added with the fix) is removed
too, as before the fix: the runtime is then silent, and the execution
tracer's frame-pointer unwinder follows the stale value later."""
import overlay_lib as ol

goroot, out = ol.args()
rel = "src/runtime/cgocall.go"
src = ol.read(goroot, rel)
src = ol.sub_once(src, r"^\tsavedbp := unsafe\.Pointer\(gp\.syscallbp\)$", "\tsavedbp := gp.syscallbp", "cgocallbackg")
ol.write(out, rel, src)
rel = "src/runtime/proc.go"
src = ol.read(goroot, rel)
src = ol.sub_once(src, r"^\tif gp\.syscallbp != 0 && gp\.syscallbp < gp\.stack\.lo \|\| gp\.stack\.hi < gp\.syscallbp \{\n"
                  r"\t\tsystemstack\(func\(\) \{\n\t\t\tprint\(\"entersyscall inconsistent bp \"[^\n]*\n"
                  r"\t\t\tthrow\(\"entersyscall\"\)\n\t\t\}\)\n\t\}\n", "", "reentersyscall's bp check")
ol.write(out, rel, src)
