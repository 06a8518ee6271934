// "portown netstat --help".
export const NETSTAT_HELP = `Usage: portown netstat [options]      (or run this file under the name "netstat")

Prints what net-tools' netstat prints, byte for byte, -p included, from /proc
alone: a drop-in for scripts on boxes whose BusyBox netstat refuses -p.

Options (alone or combined, e.g. -ntpa, -tulpn, -lnp):
  -a, --all           servers and established sockets
  -l, --listening     only servers
  -n, --numeric       numbers instead of names
  -t, --tcp  -u, --udp  -w, --raw  -x, --unix
                      only these protocols (default: all of them)
  -4, -6              only IPv4 or IPv6 sockets
  -p, --program(s)    the PID/Program name column
  -e, --extend        the User and Inode columns (-r: other route columns)
  -W, --wide          never cut addresses (-T is taken as -W)
  -o, --timers        the Timer column
  -c, --continuous    list again every second
  -r, --route         the routing table (/proc/net/route)
      --busybox       BusyBox's netstat format instead (also:
                      PORTOWN_NETSTAT_STYLE=busybox); -o is not in it
      --proc DIR      read another /proc tree (also: PROC_ROOT=DIR)
      --byte-order le|be  byte order of the machine that wrote the tables

As net-tools does, -p names the FIRST process holding a socket in /proc order
(the lowest pid), as PID/argv0; bytes outside printable ASCII show as '.'.
(portown itself, without "netstat", lists every holder.)

Without -n, names come from /etc/hosts, /etc/services and /etc/networks only:
no DNS is asked, so an address those files do not name stays numeric.

Not supported (exit 2): -i, -s, -g, -M, -C, -F, -Z and other netstat modes.
Exit status: 0 listed, 2 bad usage or an unreadable /proc.
`;
