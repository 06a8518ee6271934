// A streaming line reader over one fixed buffer. /proc/net tables can hold a
// million rows, and /proc returns short reads, so we never readFileSync them:
// we read into the same buffer until read() returns 0, hand each complete line
// to the callback as a byte range, and keep memory flat whatever the file size.
import fs = require('fs');

export const DEFAULT_BUFFER_SIZE = 64 * 1024;

/**
 * Called for each line, without its '\n'. `lineNo` counts from 1 and includes
 * skipped long lines, so warnings can name the line of the file.
 * The range is only valid during the call: the buffer is reused.
 */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;

export interface LineStats {
  /** Lines handed to the callback. */
  lines: number;
  /** Lines longer than the buffer: skipped, not handed over. */
  longLines: number;
  /** Line number of the first long line, or 0. */
  firstLongLine: number;
  /** Bytes read in all. */
  bytes: number;
}

/**
 * Reads `path` line by line. Throws the fs error when the file cannot be
 * opened or read (ENOENT, EACCES, EISDIR...): callers decide what is quiet.
 */
export function readLines(path: string, onLine: LineHandler, bufferSize: number = DEFAULT_BUFFER_SIZE): LineStats {
  const fd = fs.openSync(path, 'r');
  try {
    return readLinesFd(fd, onLine, bufferSize);
  } finally {
    fs.closeSync(fd);
  }
}

export function readLinesFd(fd: number, onLine: LineHandler, bufferSize: number = DEFAULT_BUFFER_SIZE): LineStats {
  const lines = new LineSplitter(onLine, bufferSize);
  try {
    // position null: read on from the file's own offset (seq_file keeps it).
    while (lines.push(fs.readSync(fd, lines.buf, lines.filled, lines.space(), null as unknown as number))) { /* next read */ }
  } finally {
    lines.release();
  }
  return lines.stats;
}

/**
 * The buffer of the last reader that finished, for the next one: a listing
 * reads up to seven tables one after another, and a new buffer for each
 * stayed allocated until a GC, which a short run may never make.
 */
let spare: Buffer | null = null;

function takeBuffer(size: number): Buffer {
  const b = spare;
  if (b !== null && b.length === size) {
    spare = null;
    return b;
  }
  return Buffer.allocUnsafe(size);
}

/**
 * The same reader on libuv's thread pool: each read() runs there, so the
 * kernel's work on a big table (it re-walks its hash for every page it hands
 * out) goes to another core while the main thread does something else; lines
 * are handed over on the main thread. `done` is called once, with the fs error
 * (open or read) or the stats.
 */
export function readLinesAsync(path: string, onLine: LineHandler, done: (err: NodeJS.ErrnoException | null, stats: LineStats | null) => void,
  bufferSize: number = DEFAULT_BUFFER_SIZE): void {
  fs.open(path, 'r', (err, fd) => {
    if (err) return done(err, null);
    const lines = new LineSplitter(onLine, bufferSize);
    const finish = (e: NodeJS.ErrnoException | null) => {
      lines.release();
      fs.close(fd, () => done(e, e ? null : lines.stats));
    };
    const next = () => fs.read(fd, lines.buf, lines.filled, lines.space(), null, onRead);
    const onRead = (e: NodeJS.ErrnoException | null, n: number) => {
      if (e) return finish(e);
      let more: boolean;
      try {
        more = lines.push(n);
      } catch (thrown) {
        // the handler threw: close the file, then let it go on up
        lines.release();
        fs.closeSync(fd);
        throw thrown;
      }
      if (more) next();
      else finish(null);
    };
    next();
  });
}

/**
 * Cuts what is read into lines, in one fixed buffer: the reader reads into
 * buf at `filled` (at most `space()` bytes) and pushes the count; push(0) is
 * the end of the file. Lines longer than the buffer are skipped and counted.
 */
export class LineSplitter {
  readonly buf: Buffer;
  readonly stats: LineStats = { lines: 0, longLines: 0, firstLongLine: 0, bytes: 0 };
  /** Bytes of buf holding the start of a line not yet complete. */
  filled = 0;
  private lineNo = 0;
  /** Inside a line longer than the buffer. */
  private skipping = false;

  constructor(private onLine: LineHandler, private size: number = DEFAULT_BUFFER_SIZE) {
    this.buf = takeBuffer(size);
  }

  private released = false;

  /** Hands the buffer on to the next reader, once no more is read into it (a second call does nothing). */
  release(): void {
    if (this.released) return;
    this.released = true;
    spare = this.buf;
  }

  space(): number {
    return this.size - this.filled;
  }

  /** Takes n bytes read at `filled`; returns false at the end of the file (n = 0). */
  push(n: number): boolean {
    const buf = this.buf;
    const stats = this.stats;
    if (n === 0) {
      if (this.filled > 0 && !this.skipping) {
        // The last line had no final newline.
        this.lineNo++;
        stats.lines++;
        this.onLine(buf, 0, this.filled, this.lineNo);
      } else if (this.skipping) {
        this.lineNo++;
      }
      this.filled = 0;
      return false;
    }
    stats.bytes += n;
    const end = this.filled + n;
    let lineStart = 0;
    // indexOf is memchr: a byte loop here was most of the time of a million-row table (docs/design.md).
    for (let i = buf.indexOf(0x0a, this.filled); i >= 0 && i < end; i = buf.indexOf(0x0a, i + 1)) {
      this.lineNo++;
      if (this.skipping) {
        this.skipping = false;
      } else {
        stats.lines++;
        this.onLine(buf, lineStart, i, this.lineNo);
      }
      lineStart = i + 1;
    }
    if (lineStart === 0 && end === this.size) {
      // A whole buffer without a newline: drop it and skip to the next one.
      if (!this.skipping) {
        this.skipping = true;
        stats.longLines++;
        if (stats.firstLongLine === 0) stats.firstLongLine = this.lineNo + 1;
      }
      this.filled = 0;
    } else if (this.skipping) {
      this.filled = 0;
    } else {
      this.filled = end - lineStart;
      if (this.filled > 0 && lineStart > 0) buf.copyWithin(0, lineStart, end);
    }
    return true;
  }
}
