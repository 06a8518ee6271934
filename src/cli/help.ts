// The --help text. The README's "Usage" block is this text, kept in sync by test/help.test.ts.
export const HELP = `Usage: portown [PORT[/tcp|/udp]] [options]
       portown netstat [netstat options]

Which process, and which thread, owns a port? Reads /proc alone.

  portown                 listening TCP and bound UDP sockets with their owners (like ss -ltnup)
  portown PORT            every socket whose local port is PORT, any protocol and state
  portown PORT/tcp        only TCP (tcp and tcp6); PORT/udp only UDP
  portown --pid PID       every socket process PID holds
  portown --all           every socket: established, raw and unix ones too

Options:
  -a, --all               list every socket, not just listening ones
  -l, --listening         only listening (and bound UDP) sockets; the default
                          without PORT or --pid
  -p, --pid PID           sockets held by process PID
      --remote            with PORT: also match sockets whose remote port is PORT
      --netns all|NAME|pid:PID
                          the tables of every network namespace (containers),
                          or of one: a name under /run/netns, a namespace
                          file, or the one process PID is in (default: ours;
                          --pid always looks in every one)
      --threads           also walk /proc/PID/task/TID/fd and name the thread
  -t, --tcp  -u, --udp  -w, --raw  -x, --unix
                          only these protocols (several may be given)
  -4, --ipv4  -6, --ipv6  only this address family
  -j, --json              one JSON array, one object per socket, all holders listed
      --pids              only the owning PIDs, unique and sorted, one a line
      --proc DIR          read another /proc tree (also: PROC_ROOT=DIR)
      --byte-order le|be  byte order of the machine that wrote the tables
                          (for a snapshot from another machine; default: this CPU's)
  -h, --help              this text
  -V, --version           the version

netstat mode: "portown netstat -ntpa", or run this file under the name
"netstat". See "portown netstat --help".

Every process holding a socket is listed (forked workers share listeners).
Rows from another network namespace add a NETNS column (the namespace inode).
Names, command lines and paths from other processes are escaped: control
bytes, DEL and C1 as \\xHH or \\u00HH, invalid UTF-8 as \\xHH, '\\' as '\\\\'.

Exit status: 0 a matching socket was found, 1 none was, 2 bad usage or an
unreadable /proc. Without root, other users' processes show as '-', and a
note on stderr says so.
`;
