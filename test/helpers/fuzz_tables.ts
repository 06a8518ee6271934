// Table fuzzing: seeded mutations of the fixture tables (fixtures/fuzz/net/
// tcp, tcp6, udp, unix) parsed in-process, with the checks every case must
// pass. Used by test/tables_fuzz.test.ts and scripts/dev/fuzz.js.
//
// A case applies one to three mutations to a table's lines and remembers which
// lines are still the original ones. Then:
//   - the scan must not throw;
//   - every untouched data row comes out exactly as it does from the clean table;
//   - (tcp/udp) the records are exactly those of the lines parsed one by one, so
//     the streaming reader neither loses nor invents rows, whatever the chunking;
//   - a malformed or overlong line is reported, and the note names the file and
//     the number of the first such line.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_BUFFER_SIZE } from '../../src/text/linereader';
import { isHeaderLine, IpRow, newIpRow, parseIpSocketLine, toInetSocket } from '../../src/proc/net_inet';
import { scanIpTable, scanUnixTable } from './tables';

/** What makes a row a repeat, spelled out: its inode, or for inode 0 the inode field and both addresses' text. */
function textKey(b: Buffer, row: IpRow): string | number {
  if (row.inode > 0) return row.inode;
  const w = row.words * 8 + 5;
  return b.toString('latin1', row.inodeStart, row.inodeEnd) + ' ' + b.toString('latin1', row.localStart, row.localStart + w) + ' ' +
    b.toString('latin1', row.remoteStart, row.remoteStart + w);
}
import { isUnixHeader, newUnixRow, parseUnixLine, toUnixSocket } from '../../src/proc/net_unix';
import { skipBlanks } from '../../src/text/bytes';
import { socketJson } from '../../src/cli/format';
import { tableNotes } from '../../src/proc/table';
import { InetProto, SocketRecord, TableReport } from '../../src/types';
import { FIXTURES } from './cli';
import { Rng } from './prng';

/** A fresh scratch folder, on tmpfs when there is one (thousands of small rewrites). */
export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), prefix));
}

export const TABLES = ['tcp', 'tcp6', 'udp', 'unix'] as const;
export type Table = typeof TABLES[number];

/** A line of a mutated table: its bytes, and the index of the clean line it still is (-1 once changed). */
interface Line {
  b: Buffer;
  orig: number;
}

export interface Mutated {
  table: Table;
  lines: Line[];
  /** The file ends with a newline. */
  finalNewline: boolean;
  /** Names of the mutations applied, for the failure message. */
  applied: string[];
}

export const BIG_NO_NEWLINE = 3 * 1024 * 1024;

function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let s = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 0x0a) { out.push(b.subarray(s, i)); s = i + 1; }
  if (s < b.length) out.push(b.subarray(s));
  return out;
}

export function cleanTable(table: Table): Buffer {
  return fs.readFileSync(path.join(FIXTURES, 'fuzz', 'net', table));
}

/** n bytes without a newline: a random 4 KiB block repeated (cheap for megabytes). */
function noNewline(rng: Rng, n: number): Buffer {
  const block = rng.bytes(Math.min(n, 4096));
  for (let i = 0; i < block.length; i++) if (block[i] === 0x0a) block[i] = 0x20;
  const b = Buffer.allocUnsafe(n);
  for (let off = 0; off < n; off += block.length) block.copy(b, off, 0, Math.min(block.length, n - off));
  return b;
}

type Mutation = (m: Mutated, rng: Rng) => void;

function pickLine(m: Mutated, rng: Rng): Line | null {
  return m.lines.length ? m.lines[rng.int(m.lines.length)] : null;
}

function changeLine(m: Mutated, rng: Rng, f: (b: Buffer) => Buffer) {
  const l = pickLine(m, rng);
  if (!l) return;
  l.b = f(l.b);
  l.orig = -1;
}

const MUTATIONS: { [name: string]: Mutation } = {
  truncateMidLine(m, rng) {
    const i = rng.int(m.lines.length);
    if (!m.lines.length) return;
    m.lines = m.lines.slice(0, i + 1);
    const l = m.lines[i];
    l.b = l.b.subarray(0, rng.int(l.b.length + 1));
    l.orig = -1;
    m.finalNewline = false;
  },
  randomBytes(m, rng) {
    changeLine(m, rng, (b) => {
      const c = Buffer.from(b);
      for (let k = 1 + rng.int(4); k > 0 && c.length; k--) {
        let v = rng.int(256);
        if (v === 0x0a) v = 0x0b;
        c[rng.int(c.length)] = v;
      }
      return c;
    });
  },
  nulBytes(m, rng) {
    changeLine(m, rng, (b) => {
      const at = rng.int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), Buffer.alloc(1 + rng.int(8)), b.subarray(at)]);
    });
  },
  crlf(m, rng) {
    const all = rng.chance(0.5);
    for (const l of m.lines) {
      if (all || rng.chance(0.3)) { l.b = Buffer.concat([l.b, Buffer.from('\r')]); l.orig = -1; }
    }
  },
  missingHeader(m) {
    if (m.lines.length && m.lines[0].orig === 0) m.lines.shift();
  },
  extraColumns(m, rng) {
    changeLine(m, rng, (b) => Buffer.concat([b, Buffer.from(rng.pick([' 1 2 3', ' extra', '\tX', ' ' + 'f'.repeat(40)]))]));
  },
  missingColumns(m, rng) {
    changeLine(m, rng, (b) => {
      const fields = b.toString('latin1').split(/( +)/);
      return Buffer.from(fields.slice(0, Math.max(0, fields.length - 1 - 2 * rng.int(8))).join(''), 'latin1');
    });
  },
  nonHexDigits(m, rng) {
    changeLine(m, rng, (b) => {
      const c = Buffer.from(b);
      const hexAt: number[] = [];
      for (let i = 0; i < c.length; i++) if (/[0-9A-Fa-f]/.test(String.fromCharCode(c[i]))) hexAt.push(i);
      for (let k = 1 + rng.int(3); k > 0 && hexAt.length; k--) c[rng.pick(hexAt)] = rng.pick([0x47, 0x67, 0x5a, 0x2d, 0x2b, 0x20, 0x3a]);
      return c;
    });
  },
  overlongLine(m, rng) {
    const at = rng.int(m.lines.length + 1);
    m.lines.splice(at, 0, { b: noNewline(rng, DEFAULT_BUFFER_SIZE + rng.int(3 * DEFAULT_BUFFER_SIZE)), orig: -1 });
  },
  bigWithoutNewline(m, rng) {
    m.lines = [{ b: noNewline(rng, BIG_NO_NEWLINE + rng.int(1024)), orig: -1 }];
    m.finalNewline = false;
  },
  empty(m) {
    m.lines = [];
    m.finalNewline = false;
  },
  blankAndDuplicateLines(m, rng) {
    const l = pickLine(m, rng);
    if (!l) return;
    m.lines.splice(rng.int(m.lines.length + 1), 0, rng.chance(0.5) ? { b: Buffer.from(rng.pick(['', '   ', '\t'])), orig: -1 } : { b: l.b, orig: l.orig });
  },
  splice(m, rng) {
    // Random bytes (newlines included) between lines: new lines of garbage.
    const junk = splitLines(rng.bytes(1 + rng.int(200)));
    m.lines.splice(rng.int(m.lines.length + 1), 0, ...junk.map((b) => ({ b, orig: -1 })));
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One case: the clean table with one to three mutations (the heavy ones rarely). */
export function mutate(table: Table, clean: Buffer, rng: Rng): Mutated {
  const m: Mutated = { table, lines: splitLines(clean).map((b, orig) => ({ b, orig })), finalNewline: true, applied: [] };
  const n = 1 + rng.int(3);
  for (let k = 0; k < n; k++) {
    let name = rng.pick(MUTATION_NAMES);
    if ((name === 'bigWithoutNewline' || name === 'overlongLine') && !rng.chance(0.1)) name = 'randomBytes';
    MUTATIONS[name](m, rng);
    m.applied.push(name);
  }
  return m;
}

export function render(m: Mutated): Buffer {
  const parts: Buffer[] = [];
  m.lines.forEach((l, i) => {
    parts.push(l.b);
    if (i < m.lines.length - 1 || m.finalNewline) parts.push(Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

const protoOf = (t: Table): InetProto => (t === 'unix' ? 'tcp' : t);

/** Records of a table file, read by the real scanner. */
export function scanFile(root: string, table: Table): { records: string[]; report: TableReport } {
  const records: string[] = [];
  const push = (s: SocketRecord) => { records.push(socketJson(s)); };
  const report = table === 'unix'
    ? scanUnixTable(root, () => true, push)
    : scanIpTable(root, protoOf(table), 'le', () => true, push);
  return { records, report };
}

/** The record of one clean line parsed alone, or null (header, blank, not a row). */
function lineRecord(table: Table, b: Buffer): string | null {
  if (table === 'unix') {
    const row = newUnixRow();
    if (!parseUnixLine(b, 0, b.length, row)) return null;
    return socketJson(toUnixSocket(b, row));
  }
  const row: IpRow = newIpRow(table.endsWith('6') ? 4 : 1);
  if (!parseIpSocketLine(b, 0, b.length, row)) return null;
  return socketJson(toInetSocket(b, row, protoOf(table), 'le'));
}

/** Lines the scanner must report: not a row, not blank, not the header; or longer than the buffer. */
function isReportable(table: Table, b: Buffer): boolean {
  if (b.length >= DEFAULT_BUFFER_SIZE) return true;
  if (lineRecord(table, b) !== null || skipBlanks(b, 0, b.length) === b.length) return false;
  return table === 'unix' ? !isUnixHeader(b, 0, b.length) : !isHeaderLine(b, 0, b.length);
}

/**
 * Checks one mutated table already written at <root>/net/<table>. Returns the
 * problems found (empty when the case passes).
 */
export function checkCase(root: string, m: Mutated, cleanRecords: (string | null)[]): string[] {
  const problems: string[] = [];
  let got: { records: string[]; report: TableReport };
  try {
    got = scanFile(root, m.table);
  } catch (e) {
    return ['scan threw: ' + ((e as Error).stack || e)];
  }
  const have = new Set(got.records);
  const file = root + '/net/' + m.table;
  // 1. Untouched rows come out as they did from the clean table. A unix row
  //    also needs a row after it: a non-row line after a path continues that
  //    path (the kernel prints a newline in a path raw).
  const earlierKeys = new Set<string | number>();
  const keyRow = newIpRow(m.table.endsWith('6') ? 4 : 1);
  m.lines.forEach((l, i) => {
    // tcp/udp: a row whose inode an earlier row already showed is dropped as a
    // repeat (the first one wins; src/proc/net_inet.ts rowKey, which hashes what textKey spells out), mutated or not.
    let repeat = false;
    if (m.table !== 'unix' && l.b.length < DEFAULT_BUFFER_SIZE && parseIpSocketLine(l.b, 0, l.b.length, keyRow)) {
      const key = textKey(l.b, keyRow);
      repeat = earlierKeys.has(key);
      earlierKeys.add(key);
    }
    const want = l.orig >= 0 ? cleanRecords[l.orig] : null;
    if (want === null || repeat) return;
    if (m.table === 'unix') {
      // The scanner passes over headers and overlong lines without forgetting the last row's path.
      let k = i + 1;
      while (k < m.lines.length && (m.lines[k].b.length >= DEFAULT_BUFFER_SIZE || isUnixHeader(m.lines[k].b, 0, m.lines[k].b.length))) k++;
      if (k < m.lines.length && lineRecord('unix', m.lines[k].b) === null) return;
    }
    if (!have.has(want)) problems.push('untouched line ' + (i + 1) + ' lost or changed: want ' + want);
  });
  // 2. tcp/udp: the records are exactly those of the lines read one by one (duplicates by key dropped).
  if (m.table !== 'unix') {
    const row = newIpRow(m.table.endsWith('6') ? 4 : 1);
    const keys = new Set<string | number>();
    const expected: string[] = [];
    for (const l of m.lines) {
      if (l.b.length >= DEFAULT_BUFFER_SIZE || !parseIpSocketLine(l.b, 0, l.b.length, row)) continue;
      const key = textKey(l.b, row);
      if (keys.has(key)) continue;
      keys.add(key);
      expected.push(socketJson(toInetSocket(l.b, row, protoOf(m.table), 'le')));
    }
    if (expected.join('\n') !== got.records.join('\n')) {
      problems.push('records differ from the lines parsed one by one: got ' + got.records.length + ', want ' + expected.length);
    }
  }
  // 3. Reportable lines are reported, naming the file and the first line.
  const notes = tableNotes([got.report]);
  let first = 0;
  let count = 0;
  m.lines.forEach((l, i) => {
    if (!isReportable(m.table, l.b)) return;
    if (m.table === 'unix' && l.b.length < DEFAULT_BUFFER_SIZE && continuesPath(m.lines, i)) return;
    count++;
    if (!first) first = i + 1;
  });
  if (count > 0) {
    const named = notes.filter((n) => n.startsWith(file + ': ') && new RegExp('\\(.*line ' + first + '\\)$').test(n));
    if (named.length === 0) problems.push('no note names ' + file + ' line ' + first + ' (' + count + ' bad lines); notes: ' + JSON.stringify(notes));
  } else if (notes.length) {
    problems.push('notes for a table with no bad line: ' + JSON.stringify(notes));
  }
  return problems;
}

/** Whether line i of a unix table is taken as the continuation of a path (see net_unix.ts). */
function continuesPath(lines: Line[], i: number): boolean {
  // Walk back to the last row (headers, overlong and garbage lines do not
  // change what the scanner remembers); it continues when that row had a path.
  for (let k = i - 1; k >= 0; k--) {
    const b = lines[k].b;
    if (b.length >= DEFAULT_BUFFER_SIZE) continue;
    const row = newUnixRow();
    if (parseUnixLine(b, 0, b.length, row)) return row.pathStart >= 0;
  }
  return false;
}

export interface FuzzResult {
  seed: number;
  cases: number;
  failures: string[];
  byMutation: { [name: string]: number };
}

/** Runs `cases` in-process cases from `seed` in the folder `dir` (files are rewritten per case). */
export function runTableFuzz(seed: number, cases: number, dir: string, deadline: number = Infinity): FuzzResult {
  const rng = new Rng(seed);
  const res: FuzzResult = { seed, cases: 0, failures: [], byMutation: {} };
  const clean: { [t: string]: { buf: Buffer; records: (string | null)[] } } = {};
  for (const t of TABLES) {
    const buf = cleanTable(t);
    clean[t] = { buf, records: splitLines(buf).map((b) => lineRecord(t, b)) };
  }
  fs.mkdirSync(path.join(dir, 'net'), { recursive: true });
  for (let i = 0; i < cases && Date.now() < deadline; i++) {
    const table = rng.pick(TABLES);
    const m = mutate(table, clean[table].buf, rng);
    fs.writeFileSync(path.join(dir, 'net', table), render(m));
    const p = checkCase(dir, m, clean[table].records);
    res.cases++;
    for (const a of m.applied) res.byMutation[a] = (res.byMutation[a] || 0) + 1;
    if (p.length) res.failures.push('case ' + i + ' (seed ' + seed + ', ' + table + ', ' + m.applied.join('+') + '): ' + p.join('; '));
  }
  return res;
}
