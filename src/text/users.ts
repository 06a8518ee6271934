// uid -> user name from /etc/passwd (read once, lazily, only when a table is printed).
import fs = require('fs');

let names: Map<number, string> | null = null;

function parsePasswd(text: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || f[0] === '' || line[0] === '#') continue;
    const uid = +f[2];
    if (uid >= 0 && String(uid) === f[2] && !m.has(uid)) m.set(uid, f[0]);
  }
  return m;
}

/** The user name of uid, or the number as text when unknown (or when passwd is unreadable). */
export function userName(uid: number, passwdPath: string = '/etc/passwd'): string {
  if (uid < 0) return '?';
  if (names === null) {
    try {
      names = parsePasswd(fs.readFileSync(passwdPath, 'latin1'));
    } catch (e) {
      names = new Map();
    }
  }
  const n = names.get(uid);
  return n === undefined ? String(uid) : n;
}
