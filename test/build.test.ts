import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { BUNDLE, ROOT } from './helpers/cli';

const B = suite('build');
const text = () => fs.readFileSync(BUNDLE, 'utf8');

B('the bundle has exactly one shebang line, at the top', () => {
  const t = text();
  assert.ok(t.startsWith('#!/usr/bin/env node\n'));
  assert.is(t.split('\n').filter((l) => l.startsWith('#!')).length, 1);
});

B('the bundle requires nothing but fs', () => {
  const req = new Set<string>();
  const re = /\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g;
  let m: RegExpExecArray | null;
  const t = text();
  while ((m = re.exec(t))) req.add(m[1]);
  assert.equal([...req], ['fs']);
  assert.not.match(t, /\brequire\(\s*[^"'`\s]/, 'no computed require');
  assert.not.match(t, /\bimport\(/, 'no dynamic import');
});

B('the bundle is executable and not minified', () => {
  const st = fs.statSync(BUNDLE);
  assert.ok((st.mode & 0o111) === 0o111);
  const t = text();
  assert.ok(t.split('\n').length > 500, 'readable on a device: one statement a line');
});

B('package.json: bin, files, engines, and no runtime dependencies', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.bin, { portown: 'build/portown.js' });
  assert.ok(pkg.files.includes('build/portown.js'));
  assert.is(pkg.engines.node, '>=10');
  assert.is(pkg.dependencies, undefined);
  assert.equal(Object.keys(pkg.devDependencies).sort(), ['@types/node', 'esbuild', 'typescript', 'uvu']);
  assert.ok(pkg.scripts.prepare.includes('build'));
});

B('the bundle is built for Node 10 syntax (no ?. or ?? left)', () => {
  const t = text();
  assert.not.match(t, /\?\.[a-zA-Z_(\[]/);
  assert.not.match(t, /[^?]\?\?[^?]/);
});

B.run();
