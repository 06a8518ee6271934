import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { HELP } from '../src/cli/help';
import { portown, ROOT } from './helpers/cli';

const H = suite('help');

H('the README carries --help word for word', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- help:start -->\n```\n([\s\S]*?)```\n<!-- help:end -->/.exec(readme);
  assert.ok(m, 'README.md needs a ```-block between <!-- help:start --> and <!-- help:end -->');
  assert.fixture(m![1], HELP);
});

H('--help prints it and exits 0; --version prints the package version', () => {
  const h = portown(['--help']);
  assert.is(h.code, 0);
  assert.is(h.stdout, HELP);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const v = portown(['--version']);
  assert.equal([v.code, v.stdout], [0, 'portown ' + pkg.version + '\n']);
});

H.run();
