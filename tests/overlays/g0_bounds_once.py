"""Found shape D (Go issues 62440, 68285): the system stack bounds of an
extra M (a thread C made, which the runtime binds to an M from its first
callback on, Go 1.21 and later) are computed at its first callback and
kept. C that later calls back from another stack on the same thread (a
coroutine, swapcontext) then runs the runtime's g0 code against the bounds
of the first: its stack checks throw "morestack on g0", or let it overflow
unchecked. The fix, callbackUpdateSystemStack updating the bounds whenever
the callback's SP is outside them, is undone: an extra M whose bounds are
set (dropm clears them) keeps them."""
import overlay_lib as ol

goroot, out = ol.args()
rel = "src/runtime/cgocall.go"
src = ol.read(goroot, rel)
src = ol.sub_once(
    src,
    r"^(func callbackUpdateSystemStack\(mp \*m, sp uintptr, signal bool\) \{\n\tg0 := mp\.g0\n)",
    r"\1\tif mp.isextra && g0.stack.hi != 0 {\n\t\treturn // the bounds of the M's first callback, kept\n\t}\n",
    "callbackUpdateSystemStack's start")
ol.write(out, rel, src)
