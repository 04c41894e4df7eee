/**
 * The service map: the layout keeps every label, box and cylinder apart and
 * inside the canvas; the SVG is well-formed; and, when a Chromium is
 * installed at /usr/bin/chromium, it renders to test-artifacts/service-map.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { renderReport } from '../../server/src/report';
import { FONT_SIZE, textWidth, type Scene } from '../../server/src/report/map/layout';
import { REPO_ROOT, renderExample } from './helpers';
import { workspace } from '../cli/helpers';

interface Rect {
  what: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function rects(scene: Scene): { texts: Rect[]; shapes: Rect[] } {
  const texts = scene.texts.map((t): Rect => {
    const size = t.size ?? FONT_SIZE;
    const w = textWidth(t.text, size);
    const x = t.anchor === 'start' ? t.x : t.anchor === 'middle' ? t.x - w / 2 : t.x - w;
    return { what: `text "${t.text}"`, x, y: t.y - size, w, h: size + 3 };
  });
  const shapes = [
    ...scene.boxes.map((b): Rect => ({ what: `box ${b.id}`, x: b.x, y: b.y, w: b.w, h: b.h })),
    ...scene.stores.map((s): Rect => ({ what: `store ${s.id}`, x: s.x, y: s.y, w: s.w, h: s.h })),
  ];
  return { texts, shapes };
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (inner: Rect, outer: Rect) => inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;

function assertReadable(scene: Scene): void {
  const { texts, shapes } = rects(scene);
  const canvas: Rect = { what: 'canvas', x: 0, y: 0, w: scene.width, h: scene.height };
  for (const r of [...texts, ...shapes]) assert.ok(inside(r, canvas), `${r.what} is inside the canvas`);
  for (let i = 0; i < shapes.length; i++) {
    for (let j = i + 1; j < shapes.length; j++) assert.ok(!overlaps(shapes[i], shapes[j]), `${shapes[i].what} overlaps ${shapes[j].what}`);
  }
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) assert.ok(!overlaps(texts[i], texts[j]), `${texts[i].what} overlaps ${texts[j].what}`);
    // A label either sits inside one shape (its own name) or clear of all of them.
    const hit = shapes.filter((s) => overlaps(texts[i], s));
    assert.ok(hit.length === 0 || (hit.length === 1 && inside(texts[i], hit[0])), `${texts[i].what} straddles ${hit.map((s) => s.what).join(', ')}`);
  }
}

test('the example map: no overlapping boxes, cylinders or labels', () => {
  assertReadable(renderExample().scene);
});

test('a workspace without an architecture file: inferred services, unknown producer, shared datastore', () => {
  const dir = workspace({
    'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['services/*'] }),
    'services/api/package.json': JSON.stringify({ name: 'api' }),
    'services/api/.env': 'DATABASE_URL=postgres://db:5432/shop\n',
    'services/api/src/main.ts': [
      "import { Kafka } from 'kafkajs';",
      "import { Pool } from 'pg';",
      'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
      "const producer = new Kafka({ brokers: ['k:9092'] }).producer();",
      'export async function place(id: string) {',
      "  await pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);",
      "  await producer.send({ topic: 'order.placed', messages: [{ key: id, value: id }] });",
      '}',
    ].join('\n'),
    'services/worker/package.json': JSON.stringify({ name: 'worker' }),
    'services/worker/.env': 'DATABASE_URL=postgres://db:5432/shop\n',
    'services/worker/src/main.ts': [
      "import { Kafka } from 'kafkajs';",
      "import { Pool } from 'pg';",
      'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
      "const consumer = new Kafka({ brokers: ['k:9092'] }).consumer({ groupId: 'w' });",
      'export async function run() {',
      "  await consumer.subscribe({ topics: ['order.placed', 'stock.changed'] });",
      '  await consumer.run({ eachMessage: async ({ message }) => {',
      "    await pool.query('UPDATE stock SET qty = qty - 1 WHERE sku = $1', [String(message.value)]);",
      '  } });',
      '}',
    ].join('\n'),
  });
  try {
    const report = renderReport({ root: dir });
    assertReadable(report.scene);
    const docs = new Map(report.files.map((f) => [f.name, f.content]));
    assert.match(docs.get('README.md')!, /no architecture file was found, so everything is inferred/);
    assert.match(docs.get('open-questions.md')!, /There is no architecture file/);
    // The evidence the system model gives for the deployable, as links.
    assert.match(docs.get('service-map.md')!, /\*\(inferred\)\* from \[services\/api\/package\.json:1\]\(\.\.\/\.\.\/services\/api\/package\.json#L1\)/);
    assert.match(docs.get('service-map.md')!, /\*\*shared\*\*/);
    assert.match(docs.get('contracts.md')!, /\| `order\.placed` \|[^\n]*\| inferred \|/);
    assert.ok(!fs.existsSync(path.join(dir, 'docs')), 'renderReport writes nothing');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the SVG is standalone: marker comment first, no scripts, no external references', () => {
  const svg = renderExample().files.find((f) => f.name === 'service-map.svg')!.content;
  assert.match(svg, /^<!-- generated by distributed-patterns: [^\n]* -->\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
  assert.ok(!/<script|href="http|xlink:href|<image|<foreignObject/i.test(svg));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  // Balanced elements (a cheap well-formedness check; the browser test below parses it for real).
  const open = (svg.match(/<(svg|defs|marker|text|title)\b/g) ?? []).length;
  const close = (svg.match(/<\/(svg|defs|marker|text|title)>/g) ?? []).length;
  assert.equal(open, close);
});

const CHROMIUM = '/usr/bin/chromium';

test('the service map renders in headless Chromium (kept as test-artifacts/service-map.png)', {
  skip: fs.existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM}: install Debian's chromium to render the map`,
}, () => {
  const artifacts = path.join(REPO_ROOT, 'test-artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const svgFile = path.join(artifacts, 'service-map.svg');
  const pngFile = path.join(artifacts, 'service-map.png');
  fs.writeFileSync(svgFile, renderExample().files.find((f) => f.name === 'service-map.svg')!.content);
  fs.rmSync(pngFile, { force: true });
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'render-service-map.mjs'), svgFile, pngFile], {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000,
  });
  assert.equal(run.status, 0, `render failed:\n${run.stdout}\n${run.stderr}`);
  const png = fs.readFileSync(pngFile);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const svg = fs.readFileSync(svgFile, 'utf8');
  assert.equal(width, Number(/width="(\d+)"/.exec(svg)![1]), 'rendered at the SVG width');
  assert.equal(height, Number(/height="(\d+)"/.exec(svg)![1]), 'rendered at the SVG height');
});
