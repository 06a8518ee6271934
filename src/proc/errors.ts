// Turning fs errors into the one-line messages both command modes print.
import fs = require('fs');
import { quoteText } from '../text/escape';

const ERRNO_TEXT: { [c: string]: string } = {
  ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory',
  EPERM: 'operation not permitted', ELOOP: 'too many levels of symbolic links', EISDIR: 'is a directory',
  EIO: 'input/output error', ENAMETOOLONG: 'file name too long',
};

/** "no such file or directory" for ENOENT, and so on; the code itself for others. */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err && err.code && ERRNO_TEXT[err.code]) || (err && err.code) || String((err && err.message) || err);
}

/** True for an error from a system call (an errno code such as ENOENT), not Node's own ERR_* or ours. */
export function isFsError(e: unknown): boolean {
  const code = e ? (e as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** Why root cannot serve as a /proc tree, or null when it is a readable directory. */
export function checkProcRoot(root: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (e) {
    return 'cannot read the /proc tree ' + quoteText(root) + ': ' + errnoText(e);
  }
  if (!st.isDirectory()) return 'Expected --proc to be a /proc directory, got ' + quoteText(root) + ' (not a directory)';
  return null;
}
