/**
 * Every link in the report points at a file that exists, relative to the
 * output folder, and every `#L<n>` at a line that exists and is the line the
 * row is about (checked against the source text for known constructs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderReport } from '../../server/src/report';
import { EXAMPLE, asMap, markdownLinks, renderExample } from './helpers';

const report = renderExample();
const docs = asMap(report);
const outDir = report.outDir;

test('links resolve to existing files and lines, and the link text names its target', () => {
  let checked = 0;
  for (const [name, content] of docs) {
    if (!name.endsWith('.md')) continue;
    for (const { text, href } of markdownLinks(content)) {
      if (/^https?:/.test(href)) continue;
      const [target, fragment] = href.split('#');
      if (target === '') continue; // in-page anchor
      if (docs.has(target)) continue; // another document of the report (rendered in memory)
      const abs = path.resolve(outDir, decodeURIComponent(target));
      assert.ok(fs.existsSync(abs), `${name}: link ${href} points at a missing file`);
      assert.ok(!path.isAbsolute(target), `${name}: link ${href} is absolute`);
      const line = /^L(\d+)$/.exec(fragment ?? '')?.[1];
      if (line) {
        const lines = fs.readFileSync(abs, 'utf8').split('\n');
        assert.ok(Number(line) >= 1 && Number(line) <= lines.length, `${name}: ${href} is past the end of the file`);
        assert.notEqual(lines[Number(line) - 1].trim(), '', `${name}: ${href} points at a blank line`);
        const rel = path.relative(EXAMPLE, abs).split(path.sep).join('/');
        assert.equal(text, `${rel}:${line}`, `${name}: link text matches its target`);
      }
      checked++;
    }
  }
  assert.ok(checked > 100, `checked ${checked} links`);
});

/** The 1-based line of the first line containing `needle` in an example file. */
function lineOf(file: string, needle: string): number {
  const i = fs.readFileSync(path.join(EXAMPLE, file), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${file} contains ${needle}`);
  return i + 1;
}

function link(file: string, line: number): string {
  return `[${file}:${line}](../../${file}#L${line})`;
}

test('rows link to the line of the construct they describe', () => {
  const expectations: [doc: string, file: string, needle: string][] = [
    ['contracts.md', 'architecture.yaml', '  order.created:'],
    ['contracts.md', 'services/orders/src/orders/orders.service.ts', 'await runner.query('],
    ['contracts.md', 'services/payments/src/psp-client.ts', 'timeout: 3_000'],
    ['contracts.md', 'services/inventory/src/stock-sync.ts', 'AbortSignal.timeout'],
    ['service-map.md', 'services/notifications/src/customers.ts', 'process.env.ORDERS_DATABASE_URL'],
    ['service-map.md', 'architecture.yaml', '  orders-db:'],
    ['consistency-note.md', 'services/ledger/src/transfer.ts', 'const inbox = await journal.query('],
    ['consistency-note.md', 'services/ledger/src/transfer.ts', 'PREPARE TRANSACTION'],
    ['consistency-note.md', 'services/ledger/src/refund.ts', 'export async function reverseTransfer'],
    ['consistency-note.md', 'architecture.yaml', '  - flow: ledger-transfer'],
    ['failure-modes.md', 'services/inventory/src/reserve-stock.consumer.ts', 'deadLetterExchange'],
    ['failure-modes.md', 'services/inventory/src/reserve-stock.consumer.ts', 'channel.nack(msg, false, true)'],
    ['failure-modes.md', 'services/notifications/src/email.queue.ts', 'attempts: 5'],
    ['failure-modes.md', 'services/payments/src/order-created.handler.ts', 'key: order.orderId'],
    ['failure-modes.md', 'services/notifications/src/email.worker.ts', "'NX'"],
    ['decisions.md', 'services/inventory/src/stock-sync.ts', 'redlock.acquire'],
  ];
  for (const [doc, file, needle] of expectations) {
    const expected = link(file, lineOf(file, needle));
    assert.ok(docs.get(doc)!.includes(expected), `${doc} links ${needle} as ${expected}`);
  }
});

test('findings link to the line each finding is reported at', () => {
  const findings = docs.get('findings.md')!;
  for (const f of report.topology.findings) {
    assert.ok(findings.includes(link(f.location.file, f.location.range.start.line)), `${f.ruleId} at ${f.location.file}:${f.location.range.start.line}`);
  }
});

test('links are relative to a custom output folder', () => {
  const nested = renderReport({ root: EXAMPLE, outDir: 'review/q3/checkout' });
  const contracts = nested.files.find((f) => f.name === 'contracts.md')!.content;
  assert.ok(contracts.includes('(../../../architecture.yaml#L'), 'three levels up');
  const flat = renderReport({ root: EXAMPLE, outDir: '.' });
  assert.ok(flat.files.find((f) => f.name === 'contracts.md')!.content.includes('[architecture.yaml:'), 'same folder');
  assert.ok(flat.files.find((f) => f.name === 'contracts.md')!.content.includes('](architecture.yaml#L'));
});
