"""Shape 6 of the class (Go issue 10976): the garbage collector may shrink
the stack of a goroutine in a system call or C call. isShrinkStackSafe's
syscallsp guard is removed (the form differs: an if statement from 1.23, a
term of the returned expression before); shrinkstack relies on it, and
copystack's own check then throws, too late to say who moved the stack."""
import overlay_lib as ol

goroot, out = ol.args()
rel = "src/runtime/stack.go"
src = ol.read(goroot, rel)
if "return gp.syscallsp == 0 && " in src:
    src = ol.sub_once(src, r"return gp\.syscallsp == 0 && ", "return ", "isShrinkStackSafe (<=1.22)")
else:
    src = ol.sub_once(src, r"(func isShrinkStackSafe\(gp \*g\) bool \{(?:\n\t//[^\n]*)*)\n\tif gp\.syscallsp != 0 \{\n\t\treturn false\n\t\}",
                      r"\1", "isShrinkStackSafe (>=1.23)")
ol.write(out, rel, src)
