// netstat mode: "portown netstat [options]" (issue 3). Placeholder until the
// drop-in lands: it refuses clearly instead of printing something wrong.
import { Io, Done } from '../io';

export function runNetstat(_args: string[], _env: { [k: string]: string | undefined }, io: Io, done: Done): void {
  io.error('netstat: netstat mode is not built yet');
  done(2);
}
