// The entry: runs the main command, or netstat mode when started under the
// name "netstat" or as "portown netstat". With cli/io.ts, the only code that
// touches process.argv, the environment, the exit code and stdout/stderr.
import { makeIo, PipeClosed } from './cli/io';
import { EXIT_USAGE, runCommand } from './cli/command';
import { runNetstat } from './netstat/index';

/** True when this file was started under the name "netstat" (a symlink or a copy). */
function startedAsNetstat(argv1: string): boolean {
  const base = argv1.slice(argv1.lastIndexOf('/') + 1);
  return base === 'netstat' || base === 'netstat.js';
}

function main(): void {
  const io = makeIo();
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    try {
      io.flush();
    } catch (e) {
      if (!(e instanceof PipeClosed)) code = EXIT_USAGE;
      else code = 0;
    }
    process.exit(code);
  };
  const fail = (e: unknown) => {
    if (e instanceof PipeClosed) return exit(0);
    io.error('portown: unexpected error: ' + String((e as Error) && (e as Error).message || e).split('\n')[0]);
    exit(EXIT_USAGE);
  };
  process.on('uncaughtException', fail);
  // One thread in libuv's pool, not four: the pool only lists fd directories
  // and reads tables ahead of the main thread, one request at a time, and on
  // a two-core board four threads took turns with the main thread instead of
  // running beside it (docs/benchmarks.md). libuv reads this when it first
  // uses the pool, which is after this line; a value the user set stays.
  if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '1';
  try {
    const args = process.argv.slice(2);
    const env = process.env;
    if (startedAsNetstat(io.argv1)) return runNetstat(args, env, io, exit);
    if (args[0] === 'netstat') return runNetstat(args.slice(1), env, io, exit);
    runCommand(args, env, io, exit);
  } catch (e) {
    fail(e);
  }
}

main();
