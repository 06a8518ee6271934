// The one place below the command line that changes the working directory.
//
// readlink("7") from inside /proc/PID/fd spares the kernel the walk of
// /proc/PID/fd for every fd, which is a measurable share of a busy host's
// scan (docs/design.md). So a scan that its caller allows to (ScanOptions.chdir,
// set by the command-line front ends only) enters each large fd directory
// and reads its links by name, and puts the cwd back when it ends.
import { FdDir } from './types';

/**
 * The fewest links for which a chdir into their directory pays: for a few
 * links the chdir costs about what the walks it spares do.
 */
export const CHDIR_MIN_LINKS = 8;

/** The cwd to return to, or null when the scan reads by full paths. */
export type SavedCwd = string | null;

/**
 * Whether a scan of root may chdir, and where it must return: a relative
 * root (fixtures, tests) or an unknown cwd (deleted) scans by full paths, so
 * that nothing after the scan depends on getting back.
 */
export function saveCwd(allowed: boolean, root: string): SavedCwd {
  if (!allowed || root.charAt(0) !== '/') return null;
  try {
    return process.cwd();
  } catch (e) {
    return null;
  }
}

export function restoreCwd(saved: SavedCwd): void {
  if (saved === null) return;
  try {
    process.chdir(saved);
  } catch (e) {
    // the cwd went away during the scan: paths are absolute from here on
  }
}

/** The prefix the links of d are read with: '' after a chdir into it, else its path and '/'. */
export function enterFdDir(d: FdDir, saved: SavedCwd): string {
  if (saved !== null && d.names.length >= CHDIR_MIN_LINKS) {
    try {
      process.chdir(d.path);
      return '';
    } catch (e) {
      // gone or refused: the links will say so
    }
  }
  return d.path + '/';
}
