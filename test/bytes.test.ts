import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hexDigit, isBlank, parseHex, parseDec, skipBlanks, fieldEnd, isDigits, decimal, isPlainDecimal } from '../src/text/bytes';

const b = (s: string) => Buffer.from(s, 'latin1');
const Bytes = suite('bytes');

Bytes('hexDigit reads both cases and rejects the rest', () => {
  assert.is(hexDigit(0x30), 0);
  assert.is(hexDigit(0x41), 10);
  assert.is(hexDigit(0x66), 15);
  assert.is(hexDigit(0x47), -1);
  assert.is(hexDigit(0x20), -1);
  // A table lookup by byte: values past a byte are not folded onto one.
  assert.is(hexDigit(0x130), -1);
  assert.is(hexDigit(-0xd0), -1);
  assert.is(hexDigit(48.5), -1);
});

Bytes('parseHex reads a field in place and refuses bad digits, empty and overlong fields', () => {
  const x = b('  0A 0100007F:0016 zz');
  assert.is(parseHex(x, 2, 4), 10);
  assert.is(parseHex(x, 5, 13), 0x0100007f);
  assert.is(parseHex(x, 14, 18), 22);
  assert.is(parseHex(x, 19, 21), -1);
  assert.is(parseHex(x, 4, 4), -1);
  assert.is(parseHex(b('FFFFFFFFFFFFFF'), 0, 14), -1);
});

Bytes('parseDec refuses signs, letters and values past 2^53', () => {
  assert.is(parseDec(b('13828'), 0, 5), 13828);
  assert.is(parseDec(b('-1'), 0, 2), -1);
  assert.is(parseDec(b('12a'), 0, 3), -1);
  assert.is(parseDec(b('18446744073709551615'), 0, 20), -1);
});

Bytes('skipBlanks and fieldEnd treat space, tab and CR as separators', () => {
  const x = b(' \t\rab c');
  assert.is(skipBlanks(x, 0, x.length), 3);
  assert.is(fieldEnd(x, 3, x.length), 5);
  assert.equal([isBlank(0x20), isBlank(0x09), isBlank(0x0d), isBlank(0x0a), isBlank(0x120), isBlank(32.5)], [true, true, true, false, false, false]);
  assert.ok(isDigits(b('0123'), 0, 4));
  assert.not.ok(isDigits(b(''), 0, 0));
});

Bytes('decimal gives what String gives for integers, across the three-digit pieces', () => {
  const cases = [0, 7, 10, 99, 100, 999, 1000, 1001, 1010, 10000, 65535, 100000, 999999, 1000000, 4294967295, 4294967296, 1000000000007, 9007199254740991];
  for (let i = 0; i < 3000; i++) cases.push(Math.floor(Math.pow(10, (i % 160) / 10)) + i);
  for (const n of cases) assert.is(decimal(n), String(n), String(n));
  for (const n of [-1, 1.5, NaN, 9007199254740993]) assert.is(decimal(n), String(n), 'falls back for ' + n);
});

Bytes('isPlainDecimal: only the text String(n) gives for an integer n >= 0', () => {
  for (const s of ['0', '7', '10', '4294967295', '1234567890123456']) assert.ok(isPlainDecimal(s), s);
  for (const s of ['', '01', '+1', '-1', '1e3', ' 1', '1 ', '0x10', '1.0', '12345678901234567']) assert.not.ok(isPlainDecimal(s), JSON.stringify(s));
});

Bytes.run();
