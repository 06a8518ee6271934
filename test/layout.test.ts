// The shape of src/, read from its imports: no circles, data flowing one way
// (entry -> front ends -> query -> scan and /proc sources -> text helpers),
// and the process touched only where the layout says.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers/cli';

const SRC = path.join(ROOT, 'src');

/** Every .ts file under src/, as a path relative to src/ without the extension. */
function modules(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir)) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.ts') && !f.endsWith('.d.ts')) out.push(path.relative(SRC, p).slice(0, -3));
    }
  };
  walk(SRC);
  return out.sort();
}

function source(mod: string): string {
  return fs.readFileSync(path.join(SRC, mod + '.ts'), 'utf8');
}

/** The src modules that mod imports (type-only imports included: they are arrows in the picture too). */
function importsOf(mod: string): string[] {
  const out: string[] = [];
  const re = /^import\s[^;]*?from\s+'(\.[^']+)'|^import\s+\w+\s*=\s*require\('(\.[^']+)'\)/gm;
  let m: RegExpExecArray | null;
  const text = source(mod);
  while ((m = re.exec(text))) out.push(path.normalize(path.join(path.dirname(mod), m[1] || m[2])));
  return out;
}

/** The folder of a module ('.' for the top level). */
const folderOf = (mod: string) => (mod.includes('/') ? mod.slice(0, mod.indexOf('/')) : '.');

const L = suite('layout');

L('every import names a module that exists', () => {
  const all = new Set(modules());
  for (const mod of all) for (const dep of importsOf(mod)) assert.ok(all.has(dep), mod + ' imports ' + dep);
});

L('no module imports itself through others (no circles)', () => {
  const graph = new Map(modules().map((m) => [m, importsOf(m)] as [string, string[]]));
  const state = new Map<string, number>(); // 1 on the path, 2 done
  const stack: string[] = [];
  const visit = (m: string) => {
    state.set(m, 1);
    stack.push(m);
    for (const d of graph.get(m) || []) {
      if (state.get(d) === 1) assert.unreachable('circle: ' + stack.slice(stack.indexOf(d)).concat(d).join(' -> '));
      if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(m, 2);
  };
  for (const m of graph.keys()) if (!state.has(m)) visit(m);
  assert.ok(graph.size > 20, graph.size + ' modules read');
});

L('folders import only the layers below them', () => {
  // Each folder, and the folders it may import (besides itself and the shared records in types.ts).
  const below: { [folder: string]: string[] } = {
    '.': ['cli', 'netstat', 'query', 'scan', 'proc', 'text'], // main.ts, types.ts
    cli: ['query', 'scan', 'proc', 'text'],
    netstat: ['query', 'scan', 'proc', 'text'],
    query: ['scan', 'proc', 'text'],
    scan: ['proc', 'text'],
    proc: ['text'],
    text: [],
  };
  for (const mod of modules()) {
    const from = folderOf(mod);
    assert.ok(from in below, 'a folder the layout does not know: ' + from);
    for (const dep of importsOf(mod)) {
      const to = folderOf(dep);
      if (to === from || dep === 'types') continue;
      assert.ok(below[from].includes(to), mod + ' imports ' + dep + ': ' + from + '/ may not reach into ' + to + '/');
    }
  }
  // types.ts is the records passed between layers: it imports no layer's code.
  assert.equal(importsOf('types'), []);
});

L('only main.ts and cli/io.ts touch process.argv, the environment, the exit code and stdout/stderr; only scan/cwd.ts the cwd', () => {
  const allowed: { [mod: string]: RegExp } = {
    main: /process\.(argv|env|exit|on)\b/,
    'cli/io': /process\.(geteuid|getgroups|getegid)\b|fs\.writeSync/,
    'scan/cwd': /process\.(cwd|chdir)\b/,
  };
  const touches = /process\.(argv|env|exit|on|stdout|stderr|cwd|chdir|geteuid|getgroups|getegid)\b|fs\.writeSync/;
  for (const mod of modules()) {
    // Comments may name them; code may not.
    const code = source(mod).split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join('\n');
    const m = touches.exec(code);
    if (!m) continue;
    assert.ok(allowed[mod] && allowed[mod].test(m[0]), mod + ' uses ' + m[0]);
  }
  assert.match(source('scan/cwd'), /process\.chdir/, 'the check reads the real files');
});

L.run();
