// Socket state codes as the kernel prints them in the st column.

// include/net/tcp_states.h. 0x0C is TCP_NEW_SYN_RECV (a request socket, 4.4+).
const TCP_STATES = [
  '', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
  'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV',
];

const TCP_ESTABLISHED = 0x01;
export const TCP_CLOSE = 0x07;
export const TCP_LISTEN = 0x0a;
export const TCP_NEW_SYN_RECV = 0x0c;

/** Name of a TCP state code; UNKNOWN(n) for a code this table does not know. */
export function tcpStateName(code: number): string {
  return code > 0 && code < TCP_STATES.length ? TCP_STATES[code] : 'UNKNOWN(' + code + ')';
}

/**
 * UDP and raw sockets reuse the TCP codes: 07 (TCP_CLOSE) is a socket that is
 * bound but not connected, shown as UNCONN as ss does; 01 is connected.
 */
export function datagramStateName(code: number): string {
  if (code === TCP_CLOSE) return 'UNCONN';
  if (code === TCP_ESTABLISHED) return 'ESTABLISHED';
  return 'UNKNOWN(' + code + ')';
}

// Unix sockets: socket.h SOCK_* types and the SS_* states of struct socket.
export const UNIX_FLAG_ACCEPTCON = 0x10000; // __SO_ACCEPTCON: a listening socket

export function unixTypeName(code: number): string {
  switch (code) {
    case 1: return 'STREAM';
    case 2: return 'DGRAM';
    case 3: return 'RAW';
    case 4: return 'RDM';
    case 5: return 'SEQPACKET';
    default: return 'UNKNOWN(' + code + ')';
  }
}

export function unixStateName(code: number, flags: number): string {
  if (flags & UNIX_FLAG_ACCEPTCON) return 'LISTEN';
  switch (code) {
    case 0: return 'FREE';
    case 1: return 'UNCONNECTED';
    case 2: return 'CONNECTING';
    case 3: return 'CONNECTED';
    case 4: return 'DISCONNECTING';
    default: return 'UNKNOWN(' + code + ')';
  }
}
