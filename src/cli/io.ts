// What cli.ts hands to the command runners below it: they never touch
// process.*, stdout or stderr themselves.

export interface Io {
  /** Buffered write to stdout. */
  write(s: string): void;
  /** Flushes what write() buffered. */
  flush(): void;
  /** One line to stderr (the newline is added). */
  error(line: string): void;
  /** Effective uid of this process. */
  euid: number;
  /** Whether this process has CAP_SYS_PTRACE, when known. */
  ptrace: boolean | null;
  /** Schedules fn after ms (for netstat -c). */
  later(ms: number, fn: () => void): void;
  /** Path this program was started as (argv[1]), for messages. */
  argv1: string;
}

export type Done = (exitCode: number) => void;
