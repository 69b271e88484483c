#!/usr/bin/env bash
# The Debian package, as a user meets it. scripts/package builds it (lintian
# clean); its contents are the command, the shim where `undead run` finds
# it, the copyright, changelog and manual page; its Version names HEAD's
# commit; its Depends: name the package of every library the installed files
# load (found here by ldd and dpkg -S, apart from dpkg-shlibdeps). Unpacked
# into a scratch root (dpkg -x), the installed `undead run` preloads the
# installed shim, catches the seed bug (issue7978 on the runtime without the
# KeepAlive lines, built with the machine's Go), leaves the stock build
# clean, and `undead doctor` and `undead report` work.
# UNDEAD_LONG=1: a new minimal Debian 12 root (debootstrap --variant=minbase
# from the archive the machine's apt sources name), no compiler, no meson,
# no Go; `apt-get install ./undead_*.deb` there (its dependencies from
# Debian), and the same programs, built outside, run in it under the
# installed undead (chroot). Needs root.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
for t in dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$t" >/dev/null || fail "$t not installed (scripts/setup installs it)"
done
work=$UNDEAD_WORK/package_deb
# $work/out keeps scripts/package's build directory between runs
rm -rf "$work/x" "$work/logs"
mkdir -p "$work/out" "$work/logs"
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
t0=$(date +%s)

# --- build ------------------------------------------------------------------
"$UNDEAD_ROOT/scripts/package" --no-setup --out "$work/out" >"$work/package.log" 2>&1 ||
  { tail -30 "$work/package.log"; fail "scripts/package failed (lintian included)"; }
deb=$(tail -n 1 "$work/package.log")
[ -f "$deb" ] || fail "scripts/package printed '$deb', not a .deb"
echo "ok: built $(basename "$deb") in $(( $(date +%s) - t0 ))s, lintian clean"

# --- contents ---------------------------------------------------------------
listing=$(dpkg-deb -c "$deb") || fail "dpkg-deb -c"
files=$(echo "$listing" | awk '$1 !~ /^d/ { print $NF }' | sort)
want=$(printf '%s\n' ./usr/bin/undead "./usr/lib/$triplet/undead/libundead.so" \
  ./usr/share/doc/undead/README.md.gz ./usr/share/doc/undead/changelog.gz \
  ./usr/share/doc/undead/copyright ./usr/share/man/man1/undead.1.gz \
  ./usr/share/lintian/overrides/undead | sort)
[ "$files" = "$want" ] || { diff <(echo "$want") <(echo "$files"); fail "contents differ from the expected files (< expected, > in the package)"; }
echo "$listing" | awk '$2 != "root/root"' | grep -q . && fail "a file not owned by root/root"
echo "$listing" | grep -q -- '^-rwxr-xr-x .*\./usr/bin/undead$' || fail "usr/bin/undead not 0755"
echo "ok: contents: $(echo "$files" | wc -l) files"

# --- version ----------------------------------------------------------------
version=$(dpkg-deb -f "$deb" Version)
short=$(git -C "$UNDEAD_ROOT" rev-parse --short=7 HEAD)
case "$version" in
  *"+git"[0-9]*".$short"|*"+git"[0-9]*".$short+dirty") ;;
  *) fail "Version '$version' does not name HEAD ($short)" ;;
esac
echo "ok: Version: $version"

# --- Depends: against what the installed files load -------------------------
dpkg -x "$deb" "$work/x" || fail "dpkg -x"
exe=$work/x/usr/bin/undead so=$work/x/usr/lib/$triplet/undead/libundead.so
depends=$(dpkg-deb -f "$deb" Depends)
dep_pkgs=$(echo "$depends" | tr ',' '\n' | sed -E 's/^ *([^ (]+).*/\1/' | sort -u)
# The package owning each library the files name (DT_NEEDED), as ldd
# resolves it.
lib_pkgs=$(for f in "$exe" "$so"; do
    ldd "$f" | awk -v need="$(objdump -p "$f" | awk '$1 == "NEEDED" { printf "%s ", $2 }')" \
      'BEGIN { n = split(need, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
       $2 == "=>" && ($1 in want) { print $3 }'
  done | sort -u |
  while read -r lib; do
    dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null ||
      dpkg -S "${lib#/usr}" 2>/dev/null || echo "NONE: $lib"
  done | sed -E 's/:.*//' | sort -u)
echo "$lib_pkgs" | grep -q '^NONE' && fail "a loaded library belongs to no package: $lib_pkgs"
[ "$lib_pkgs" = "$dep_pkgs" ] ||
  { diff <(echo "$lib_pkgs") <(echo "$dep_pkgs"); fail "Depends: ($depends) differs from the packages of the loaded libraries (< loaded, > Depends)"; }
echo "ok: Depends: $depends"

# --- the unpacked package at work -------------------------------------------
out=$(env -u LD_PRELOAD "$exe" run -- sh -c 'echo "$LD_PRELOAD"')
[ "$out" = "$(readlink -f "$so")" ] || fail "installed undead run preloads '$out', not the installed shim $so"
echo "ok: installed undead run preloads $out"
bad=$(gobuild cur undead "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978 (undead runtime)"
good=$(gobuild cur stock "$UNDEAD_ROOT/tests/go/issue7978") || fail "build issue7978 (stock)"

# check_runs UNDEAD PREFIX [WRAP...]: the seed bug caught with a report, the
# stock build clean, doctor and report working; programs and logs named as
# seen through WRAP (a chroot) under $PREFIX.
check_runs() {
  local u=$1 pre=$2; shift 2
  local rc
  # (a subshell: the shell's "Aborted" line goes nowhere)
  ("$@" "$u" run -- "$pre/issue7978-bad" >"$work/logs/bad.out" 2>"$work/logs/bad.err") 2>/dev/null; rc=$?
  [ "$rc" = 134 ] && [ "$(grep -c 'SUMMARY: undead' "$work/logs/bad.err")" = 1 ] &&
    grep -q 'runtime\.cgocall' "$work/logs/bad.err" ||
    { tail -5 "$work/logs/bad.err"; fail "$*: the seed bug: exit $rc, want 134 with one report naming runtime.cgocall"; }
  "$@" "$u" run -- "$pre/issue7978-good" >"$work/logs/good.out" 2>"$work/logs/good.err"; rc=$?
  [ "$rc" = 0 ] && ! grep -q 'undead' "$work/logs/good.err" ||
    { tail -5 "$work/logs/good.err"; fail "$*: the stock build: exit $rc or a line from the shim"; }
  "$@" "$u" doctor "$pre/issue7978-good" >"$work/logs/doctor.out" 2>&1; rc=$?
  [ "$rc" = 0 ] && grep -qi 'cgo' "$work/logs/doctor.out" ||
    { tail -5 "$work/logs/doctor.out"; fail "$*: undead doctor: exit $rc"; }
  rm -rf "$work/logs/dir" "$pre_host/dir"
  ("$@" "$u" run --log-dir "$pre/dir" -- "$pre/issue7978-bad" >/dev/null 2>&1) 2>/dev/null
  "$@" "$u" report "$pre/dir" >"$work/logs/report.out" 2>&1; rc=$?
  [ "$rc" = 1 ] && grep -q 'runtime\.cgocall' "$work/logs/report.out" ||
    { tail -5 "$work/logs/report.out"; fail "$*: undead report: exit $rc, want 1 with the report"; }
}
pre_host=$work/progs
rm -rf "$pre_host"; mkdir -p "$pre_host"
cp "$bad" "$pre_host/issue7978-bad"; cp "$good" "$pre_host/issue7978-good"
check_runs "$exe" "$pre_host" env -u LD_PRELOAD
echo "ok: unpacked: seed bug caught (134, one report), stock clean, doctor and report work"

if [ "${UNDEAD_LONG:-0}" != 1 ]; then
  echo "PASS ($(( $(date +%s) - t0 ))s; UNDEAD_LONG=1 also installs it in a new Debian 12 root)"
  exit 0
fi

# --- UNDEAD_LONG: a new minimal Debian 12 ------------------------------------
[ "$(id -u)" = 0 ] || fail "the debootstrap part needs root (chroot)"
command -v debootstrap >/dev/null || fail "debootstrap not installed (scripts/setup installs it)"
mirror=$("$UNDEAD_ROOT/scripts/setup" --archive-uri) || fail "no apt source names Debian's bookworm: no mirror for debootstrap"
base=$work/bookworm-base root=$work/bookworm
t1=$(date +%s)
# The bare root is made once and copied for each run (its packages as of
# that day: apt-get update in the copy brings the index up to date).
if [ ! -f "$base/.complete" ]; then
  rm -rf "$base"
  debootstrap --variant=minbase bookworm "$base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -10 "$work/debootstrap.log"; fail "debootstrap bookworm from $mirror"; }
  touch "$base/.complete"
fi
t2=$(date +%s)
umount "$root/proc" 2>/dev/null
rm -rf "$root"
cp -a "$base" "$root" || fail "copy the root"
mount -t proc proc "$root/proc" || fail "mount /proc in the root"
trap 'umount "$root/proc" 2>/dev/null' EXIT
cp /etc/resolv.conf "$root/etc/resolv.conf"
for t in gcc cc meson go; do
  chroot "$root" sh -c "command -v $t" >/dev/null && fail "the new root has $t"
done
cp "$deb" "$root/tmp/"
mkdir -p "$root/progs"; cp "$pre_host"/issue7978-* "$root/progs/"
chroot "$root" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/$(basename "$deb")" \
  >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; fail "apt-get install ./$(basename "$deb") in the new root"; }
t3=$(date +%s)
chroot "$root" sh -c 'command -v undead' | grep -qx /usr/bin/undead || fail "undead not on PATH in the new root"
pre_host=$root/progs
check_runs undead /progs chroot "$root"
t4=$(date +%s)
echo "ok: new Debian 12 root: apt-get install ./$(basename "$deb") ($(grep -c '^Setting up' "$work/apt.log") packages set up), seed bug caught, stock clean, doctor and report work"
echo "times: debootstrap $((t2-t1))s (0: cached), copy+apt-get install $((t3-t2))s, runs $((t4-t3))s"
umount "$root/proc" 2>/dev/null

# --- UNDEAD_LONG: from a fresh clone, in a new minimal Debian 12 ------------
# scripts/package is one command there (it runs setup --user: the compiler,
# meson, the libraries, dpkg-dev), and scripts/setup --user builds the shim
# and the command, no tests. git is what a user cloning has.
broot=$work/bookworm-build
rm -rf "$broot"
cp -a "$base" "$broot" || fail "copy the root"
mount -t proc proc "$broot/proc" || fail "mount /proc in the build root"
trap 'umount "$broot/proc" 2>/dev/null' EXIT
cp /etc/resolv.conf "$broot/etc/resolv.conf"
git clone -q "$UNDEAD_ROOT" "$broot/src" || fail "git clone into the build root"
chroot "$broot" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends git ca-certificates" \
  >"$work/apt-build.log" 2>&1 || { tail -20 "$work/apt-build.log"; fail "apt-get install git in the build root"; }
t5=$(date +%s)
chroot "$broot" sh -c 'cd /src && scripts/package --no-lintian' >"$work/clone-package.log" 2>&1 ||
  { tail -20 "$work/clone-package.log"; fail "scripts/package in a fresh clone on a new Debian 12"; }
cdeb=$broot$(tail -n 1 "$work/clone-package.log")
[ -f "$cdeb" ] || fail "scripts/package in the fresh clone printed no .deb"
cv=$(dpkg-deb -f "$cdeb" Version)
case "$cv" in *".$short") ;; *) fail "fresh clone's package Version '$cv' does not name HEAD ($short)" ;; esac
[ "$(dpkg-deb -c "$cdeb" | awk '$1 !~ /^d/ { print $NF }' | sort)" = "$want" ] || fail "fresh clone's package has other files"
t6=$(date +%s)
chroot "$broot" sh -c 'cd /src && scripts/setup --user' >"$work/clone-setup.log" 2>&1 ||
  { tail -20 "$work/clone-setup.log"; fail "scripts/setup --user in a fresh clone on a new Debian 12"; }
[ -x "$broot/src/build/tools/undead" ] && [ -f "$broot/src/build/shim/libundead.so" ] ||
  fail "scripts/setup --user built no build/tools/undead or build/shim/libundead.so"
[ ! -e "$broot/src/build/tests" ] || fail "scripts/setup --user built the tests"
t7=$(date +%s)
echo "ok: fresh clone on a new Debian 12: scripts/package $((t6-t5))s (packages installed and built: $(dpkg-deb -f "$cdeb" Depends)), then scripts/setup --user $((t7-t6))s (build only, no tests)"
echo "PASS ($(( $(date +%s) - t0 ))s)"
