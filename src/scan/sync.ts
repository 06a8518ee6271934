// The synchronous driver of the owner scan: each process's steps
// (process.ts) one after another, one readlink after another.
import fs = require('fs');
import { restoreCwd } from './cwd';
import { beginScan, closeProcess, endScan, listed, openProcess, pidsOf, readLinks } from './process';
import { OwnerMap, ScanOptions } from './types';

export function scanOwnersSync(opts: ScanOptions): OwnerMap {
  const pids = pidsOf(opts);
  const scan = beginScan(opts);
  try {
    for (let i = 0; i < pids.length; i++) {
      const { job, dirs } = openProcess(scan, pids[i]);
      if (dirs.length === 0) closeProcess(scan, job);
      for (let k = 0; k < dirs.length; k++) {
        const d = dirs[k];
        let names: string[] | null = null;
        let err: NodeJS.ErrnoException | null = null;
        try {
          names = fs.readdirSync(d.path);
        } catch (e) {
          err = e as NodeJS.ErrnoException;
        }
        if (listed(scan, d, err, names)) readLinks(scan, d, names!.length);
      }
    }
  } catch (e) {
    restoreCwd(scan.cwd);
    throw e;
  }
  return endScan(scan);
}
