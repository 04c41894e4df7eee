/**
 * withoutComments blanks comments and keeps every other character in place, so that a name found in the
 * result is a name in code or in a string. `//` inside a string, a template literal (also after a
 * `${...}` substitution) or a regular expression is not a comment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutComments } from '../../server/src/engine/facts/codeText';

test('line and block comments are blanked, positions and line breaks kept', () => {
  const text = "a.run(); // this.service.trackEvent(data)\n/* b.call()\n c.call() */ d.go();\n";
  const out = withoutComments(text);
  assert.equal(out.length, text.length);
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const expected = text.replace('// this.service.trackEvent(data)', blank).replace('/* b.call()\n c.call() */', blank);
  assert.equal(out, expected);
  assert.ok(!out.includes('trackEvent') && out.includes('d.go();'));
});

test('`//` in strings, templates after a substitution and regular expressions is code', () => {
  const text = [
    "const url = 'http://host/a.trackEvent';",
    'const t = `${base}//x.trackEvent`;',
    'const r = /\\/\\/.trackEvent/;',
    'const q = a / b; // gone.trackEvent',
    '',
  ].join('\n');
  const out = withoutComments(text);
  assert.equal(out.match(/trackEvent/g)?.length, 3);
  assert.ok(out.includes('const q = a / b;'));
});

test('JSX text and expressions are scanned in JSX files', () => {
  const text = 'const v = <div>{/* hidden.trackEvent */ x.shown()}</div>;\n';
  const out = withoutComments(text, true);
  assert.ok(!out.includes('hidden'));
  assert.ok(out.includes('x.shown()'));
});
