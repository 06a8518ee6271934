// /proc/<pid>/fd and /proc/<pid>/task/<tid>/fd: one symlink per open fd,
// whose text for a socket is "socket:[<inode>]" (pipes, files and anon
// inodes read otherwise). The scan reads these links in its own loop
// (scan/process.ts); this module is their parser and the one-off reader.
import fs = require('fs');

/** True for "socket:[...]", checked cheaply: a first-byte test before the prefix compare (most fds are files). */
export function isSocketLink(link: string): boolean {
  return link.length >= 10 && link.charCodeAt(0) === 115 /* s */ && link.charCodeAt(link.length - 1) === 93 /* ] */ &&
    link.lastIndexOf('socket:[', 0) === 0;
}

/** Parses "socket:[N]" cheaply; returns N or null. */
export function socketInode(link: string): string | null {
  return isSocketLink(link) ? link.slice(8, -1) : null;
}

/** The link at path now, or null when it cannot be read (the fd or the process is gone, or refused). */
export function readLinkOrNull(path: string): string | null {
  try {
    return fs.readlinkSync(path);
  } catch (e) {
    return null;
  }
}

/** True for the errors of a directory or link we may not read (the kernel's ptrace check). */
export function isDenied(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EACCES' || err.code === 'EPERM';
}
