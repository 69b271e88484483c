"""Found shape D, its second form (Go issue 68285): a callback from C
updates the system stack bounds of its thread's M (m.g0.stack) to the C
stack it came from, and must put back the bounds it found when it returns:
an inner callback that C made from another stack (a coroutine) below an
outer one otherwise leaves its bounds to the outer callback, whose C stack
they do not describe. The restore at the end of cgocallbackg (Go 1.23 and
later) is removed."""
import overlay_lib as ol

goroot, out = ol.args()
rel = "src/runtime/cgocall.go"
src = ol.read(goroot, rel)
src = ol.sub_once(
    src,
    r"^\t// Restore the old g0 stack bounds\n\tgp\.m\.g0\.stack = oldStack\n"
    r"\tgp\.m\.g0\.stackguard0 = oldStack\.lo \+ stackGuard\n"
    r"\tgp\.m\.g0\.stackguard1 = gp\.m\.g0\.stackguard0\n\tgp\.m\.g0StackAccurate = oldAccurate\n",
    "\t_, _ = oldStack, oldAccurate // the old g0 stack bounds, not restored\n",
    "cgocallbackg's restore of the g0 stack bounds")
ol.write(out, rel, src)
