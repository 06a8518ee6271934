import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeBytes, dotUnprintable } from '../src/text/escape';

const raw = (s: string) => Buffer.from(s, 'latin1');
const E = suite('escape');

E('printable ASCII and valid UTF-8 pass unchanged', () => {
  assert.is(escapeBytes(raw('sshd: user@pts/0')), 'sshd: user@pts/0');
  assert.is(escapeBytes(Buffer.from('naïve-日本語', 'utf8')), 'naïve-日本語');
});

E('C0 controls and DEL become \\xHH', () => {
  assert.is(escapeBytes(raw('\x1b[2J\x07\r\n\t\x00\x7f')), '\\x1b[2J\\x07\\x0d\\x0a\\x09\\x00\\x7f');
});

E('C1 controls (valid UTF-8 U+0080-U+009F) become \\u00HH', () => {
  assert.is(escapeBytes(raw('\xc2\x9b31m')), '\\u009b31m');
  assert.is(escapeBytes(raw('\xc2\x80\xc2\x9f\xc2\xa0')), '\\u0080\\u009f\u00a0');
});

E('invalid UTF-8 bytes become \\xHH: lone bytes, overlongs, surrogates, truncated sequences', () => {
  assert.is(escapeBytes(raw('\xff\xfe')), '\\xff\\xfe');
  assert.is(escapeBytes(raw('\x9b')), '\\x9b', 'a raw C1 byte is not valid UTF-8');
  assert.is(escapeBytes(raw('\xc0\xaf')), '\\xc0\\xaf');
  assert.is(escapeBytes(raw('\xed\xa0\x80')), '\\xed\\xa0\\x80');
  assert.is(escapeBytes(raw('ab\xe6\x97')), 'ab\\xe6\\x97');
});

E('line separators and bidi controls, which reorder a terminal line, are escaped', () => {
  assert.is(escapeBytes(Buffer.from('a\u202eb\u2028c\u2066', 'utf8')), 'a\\u202eb\\u2028c\\u2066');
});

E('a backslash is doubled so the escaped text reads back unambiguously', () => {
  assert.is(escapeBytes(raw('a\\x1b')), 'a\\\\x1b');
});

E('the output never holds a control byte, whatever the input', () => {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const s = escapeBytes(all);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    assert.ok(c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c <= 0x9f), 'code ' + c + ' at ' + i);
  }
});

E('JSON of the escaped text holds no raw control either, and parses back to it', () => {
  const s = escapeBytes(raw('\x1b\x7f\xc2\x9b\xff'));
  const j = JSON.stringify(s);
  assert.not.match(j, /[\x00-\x1f\x7f-\x9f]/);
  assert.is(JSON.parse(j), s);
});

E('netstat\'s rule: every byte outside printable ASCII becomes a dot', () => {
  assert.is(dotUnprintable(raw('\x1b[2J\xc2\x9bx')), '.[2J..x');
});

E.run();
