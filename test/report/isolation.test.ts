/**
 * Changing one consumer in a copy of the example changes only the rows
 * about it: every changed line mentions the handler or its channel, is a
 * count row of a summary table, or is the other half of a replaced row that
 * mentions them (an aggregate row that gains or loses the handler).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asMap, copyExample, diffLines, renderExample, replaceInFile } from './helpers';

const COUNT_ROW = /^\| [^|]+ (\| \d+ )+\|$/;

test('guarding one consumer with an inbox changes only the rows about that consumer', () => {
  const dir = copyExample();
  try {
    const before = asMap(renderExample(dir));
    // Same number of lines, so no other row's line numbers move.
    replaceInFile(
      path.join(dir, 'services/payments/src/order-created.handler.ts'),
      '  if (!message.value) return;',
      "  if (!message.value || (await pool.query('INSERT INTO inbox (message_id) VALUES ($1) ON CONFLICT (message_id) DO NOTHING', [message.headers?.['message-id']?.toString()])).rowCount === 0) return;",
    );
    const after = asMap(renderExample(dir));
    const about = (line: string) => /order\.created|services\/payments\/src\/main\.ts|order-created\.handler\.ts/.test(line);
    let changed = 0;
    for (const [name, content] of after) {
      for (const hunk of diffLines(before.get(name)!, content)) {
        changed += hunk.removed.length + hunk.added.length;
        // Lines not about the handler are allowed only as counts, or as the other half of a
        // replaced row that is about it (an aggregate row gaining or losing the handler).
        const other = (lines: string[]) => lines.filter((l) => !about(l) && !COUNT_ROW.test(l));
        const aboutCount = (lines: string[]) => lines.filter(about).length;
        const show = [...hunk.removed.map((l) => `- ${l}`), ...hunk.added.map((l) => `+ ${l}`)].join('\n');
        assert.ok(other(hunk.removed).length <= aboutCount(hunk.added), `${name}: a removed line is not about the handler:\n${show}`);
        assert.ok(other(hunk.added).length <= aboutCount(hunk.removed), `${name}: an added line is not about the handler:\n${show}`);
      }
    }
    assert.ok(changed > 0, 'the report changed at all');
    // And it changed in the expected direction.
    assert.ok(after.get('consistency-note.md')!.includes('| `order.created` → payments | `header message-id` | `INSERT INTO inbox ON CONFLICT DO NOTHING`'));
    assert.equal(after.get('service-map.svg'), before.get('service-map.svg'), 'the map does not show dedupe, so it is unchanged');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
