#!/usr/bin/env node
// Bundles src/ into build/portown.js: one readable file, one shebang, runs on
// Node 10+, requires nothing but 'fs'. Also bundles test/*.test.ts into
// build/test/ when called with --tests (the test runner does that).
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'build', 'portown.js');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function buildBundle() {
  esbuild.buildSync({
    entryPoints: [path.join(root, 'src', 'main.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node10',
    minify: false,
    legalComments: 'none',
    charset: 'ascii',
    banner: { js: '#!/usr/bin/env node' },
    define: { __PORTOWN_VERSION__: JSON.stringify(pkg.version) },
    logLevel: 'warning',
  });
  fs.chmodSync(out, 0o755);
  checkBundle(fs.readFileSync(out, 'utf8'));
}

// The promises the bundle makes to a device: refuse to emit a file that breaks them.
function checkBundle(text) {
  const shebangs = text.split('\n').filter((l) => l.startsWith('#!'));
  if (shebangs.length !== 1 || !text.startsWith('#!/usr/bin/env node\n')) {
    throw new Error('build: expected exactly one #!/usr/bin/env node line at the top, found ' + shebangs.length);
  }
  const requires = new Set();
  const re = /\brequire\(\s*["']([^"']+)["']\s*\)/g;
  let m;
  while ((m = re.exec(text))) requires.add(m[1]);
  const extra = [...requires].filter((r) => r !== 'fs');
  if (extra.length) throw new Error('build: the bundle may require only "fs", it requires ' + extra.join(', '));
}

function buildTests() {
  const dir = path.join(root, 'test');
  const entries = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f));
  const outdir = path.join(root, 'build', 'test');
  fs.rmSync(outdir, { recursive: true, force: true });
  esbuild.buildSync({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    sourcemap: 'inline',
    external: ['uvu', 'uvu/*'],
    define: { __PORTOWN_VERSION__: JSON.stringify(pkg.version) },
    logLevel: 'warning',
  });
  return outdir;
}

module.exports = { buildBundle, buildTests, checkBundle, root };

if (require.main === module) {
  try {
    buildBundle();
    if (process.argv.includes('--tests')) buildTests();
  } catch (e) {
    console.error(e && e.message ? e.message : e);
    process.exit(1);
  }
}
