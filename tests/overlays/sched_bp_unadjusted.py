"""Shape 7 of the class (Go issue 18174): copystack does not adjust
g.sched.bp. The goroutine resumes after the move (gogo) with its BP register
pointing into the stack it left; the next frames save that value, and the
frame-pointer chain runs into the old stack (the execution tracer's
fpTracebackPCs follows it). adjustctxt's adjustment of &gp.sched.bp is
removed (the arm64 fix-up below it is left alone)."""
import overlay_lib as ol

goroot, out = ol.args()
rel = "src/runtime/stack.go"
src = ol.read(goroot, rel)
src = ol.sub_once(src, r"^\tadjustpointer\(adjinfo, unsafe\.Pointer\(&gp\.sched\.bp\)\)\n", "", "adjustctxt")
ol.write(out, rel, src)
