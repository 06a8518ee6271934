#!/bin/sh
# snapshot.sh: capture what portown reads from a device's /proc into a tarball,
# to read back anywhere with `portown --proc DIR`.
#
#   sh snapshot.sh [-t] [-p PROC] OUT.tar.gz
#     -t       also each thread: task/<tid>/{comm,stat,status} and task/<tid>/fd
#     -p PROC  the /proc to read (default /proc)
#
# Captured, under proc/ in the tarball: net/{tcp,tcp6,udp,udp6,raw,raw6,unix};
# for each pid: comm, cmdline, status, stat, ns/net and fd/ with every link
# copied as a symlink (cp -P: "3 -> socket:[13828]", "net -> net:[4026531840]");
# self/ns/net, the namespace the snapshot was taken in; and for the first
# process of every other network namespace, its net/ tables, so that
# `portown --netns all` answers offline as it did live. Next to proc/, snapshot.txt says
# when, where and in which byte order it was taken. Read it back with:
#
#   mkdir snap && tar -xzf OUT.tar.gz -C snap && portown --all --proc snap/proc
#   (from another machine add: --byte-order le|be, as snapshot.txt says)
#
# POSIX sh; needs only BusyBox applets: cat, cp, date, gzip, ls, mkdir, od,
# rm, tar, tr, uname. Run it as root to see every process (without root, fd/ of other
# users' processes cannot be read and is left out, as portown would say live).
# Processes that exit while it runs are skipped.
set -u

usage() {
  echo "usage: sh snapshot.sh [-t] [-p PROC] OUT.tar.gz" >&2
}

threads=0
proc=/proc
while getopts tp: opt; do
  case $opt in
    t) threads=1 ;;
    p) proc=$OPTARG ;;
    *) usage; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ]; then usage; exit 2; fi
out=$1
if [ ! -r "$proc/net/tcp" ] && [ ! -r "$proc/net/unix" ]; then
  echo "snapshot.sh: no net tables under $proc (net/tcp, net/unix): is it a /proc?" >&2
  exit 2
fi

tmp=${TMPDIR:-/tmp}/portown-snapshot.$$
rm -rf "$tmp"
mkdir -p "$tmp/proc/net" || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# The tables first, then the processes (as a selective portown query reads them).
for t in tcp tcp6 udp udp6 raw raw6 unix; do
  [ -r "$proc/net/$t" ] && cat "$proc/net/$t" > "$tmp/proc/net/$t" 2>/dev/null
done

# The namespace a /proc/.../ns/net link names ("net:[N]"), from ls -l: no readlink in some BusyBoxes.
netns_of() {
  l=$(ls -l "$1/ns/net" 2>/dev/null) || return 1
  echo "${l##*-> }"
}

# Copies the link itself; $1 source, $2 destination folder.
copy_ns() {
  [ -e "$1/ns/net" ] || [ -L "$1/ns/net" ] || return 0
  mkdir -p "$2/ns" && cp -P "$1/ns/net" "$2/ns/" 2>/dev/null
}

# One process or thread folder: its small files, and its fd links as symlinks.
# $1 source folder, $2 destination folder, $3 files to copy.
capture() {
  mkdir -p "$2" || return
  for f in $3; do
    # cat, not cp: /proc files say size 0; a file that vanished is skipped.
    cat "$1/$f" > "$2/$f" 2>/dev/null || rm -f "$2/$f"
  done
  # An fd folder we may not list (another user's, without root) is left out.
  if ls "$1/fd" > /dev/null 2>&1; then
    mkdir -p "$2/fd"
    src=$1
    dstfd=$2/fd
    set -- "$src"/fd/[0-9]*
    # cp -P copies each link itself ("3 -> socket:[13828]"), not what it points
    # to. No fds leaves the pattern unexpanded; an fd closed meanwhile is skipped.
    [ "$1" = "$src/fd/[0-9]*" ] || cp -P "$@" "$dstfd/" 2>/dev/null
  fi
  return 0
}

copy_ns "$proc/self" "$tmp/proc/self"
# Namespaces whose tables are in the snapshot: ours (net/ above), then one reader each.
seen=" $(netns_of "$proc/self") "

for d in "$proc"/[0-9]*; do
  pid=${d##*/}
  case $pid in *[!0-9]*) continue ;; esac
  dst=$tmp/proc/$pid
  capture "$d" "$dst" "comm cmdline status stat"
  copy_ns "$d" "$dst"
  ns=$(netns_of "$d") || ns=
  case "$seen" in
    *" $ns "*) ;;
    *)
      if [ -n "$ns" ] && [ -d "$dst" ]; then
        seen="$seen$ns "
        mkdir -p "$dst/net"
        for t in tcp tcp6 udp udp6 raw raw6 unix; do
          cat "$d/net/$t" > "$dst/net/$t" 2>/dev/null || rm -f "$dst/net/$t"
        done
      fi
      ;;
  esac
  if [ $threads = 1 ]; then
    for t in "$d"/task/[0-9]*; do
      [ -d "$t" ] || continue
      capture "$t" "$dst/task/${t##*/}" "comm status stat"
    done
  fi
  # Gone before we read anything: leave no empty folder behind.
  [ -e "$dst/stat" ] || [ -e "$dst/status" ] || rm -rf "$dst"
done

order=unknown
case $(printf '\001\000' | od -An -tx2 2>/dev/null | tr -d ' ') in
  0001) order=le ;;
  0100) order=be ;;
esac
{
  echo "portown snapshot of $proc"
  echo "date: $(date -u '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null)"
  echo "host: $(uname -n 2>/dev/null) $(uname -srm 2>/dev/null)"
  echo "byte-order: $order"
  echo "threads: $threads"
} > "$tmp/snapshot.txt"

if ! tar -cf - -C "$tmp" proc snapshot.txt | gzip > "$out"; then
  echo "snapshot.sh: cannot write $out" >&2
  exit 2
fi
echo "snapshot.sh: wrote $out" >&2
