#!/usr/bin/env node
// Rewrites the --help block of README.md from the built bundle's --help
// (test/help.test.ts fails when they differ). Run after changing src/cli/help.ts:
//   npm run build && node scripts/dev/readme-help.js
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const root = path.resolve(__dirname, '..', '..');
const help = execFileSync(process.execPath, [path.join(root, 'build', 'portown.js'), '--help'], { encoding: 'utf8' });
const file = path.join(root, 'README.md');
const readme = fs.readFileSync(file, 'utf8');
const re = /(<!-- help:start -->\n```\n)[\s\S]*?(```\n<!-- help:end -->)/;
if (!re.test(readme)) throw new Error('README.md has no <!-- help:start --> block');
fs.writeFileSync(file, readme.replace(re, (_, a, b) => a + help + b));
