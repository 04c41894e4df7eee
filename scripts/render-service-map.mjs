#!/usr/bin/env node
/**
 * Renders a service-map SVG to PNG in headless Chromium (playwright-core
 * with the system browser, no browser download), so the picture can be
 * checked in a real renderer and kept as a test artifact.
 *
 * Usage: node scripts/render-service-map.mjs [svg] [png]
 *   svg  default: examples/checkout/docs/distributed/service-map.svg
 *   png  default: test-artifacts/service-map.png
 * Env: CHROMIUM_PATH (default /usr/bin/chromium).
 * Prints the PNG path and the rendered size; exits 1 when the browser is
 * missing or the SVG does not render.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const svgPath = path.resolve(process.argv[2] ?? 'examples/checkout/docs/distributed/service-map.svg');
const pngPath = path.resolve(process.argv[3] ?? 'test-artifacts/service-map.png');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!fs.existsSync(executablePath)) {
  console.error(`render-service-map: no browser at ${executablePath} (set CHROMIUM_PATH)`);
  process.exit(1);
}
if (!fs.existsSync(svgPath)) {
  console.error(`render-service-map: no SVG at ${svgPath}`);
  process.exit(1);
}

const svg = fs.readFileSync(svgPath, 'utf8');
const width = Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg)?.[1] ?? 1200);
const height = Number(/<svg[^>]*\sheight="(\d+)"/.exec(svg)?.[1] ?? 800);

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  // Load it as an <img>, the way a Markdown preview embeds it.
  const html = `<!doctype html><html><body style="margin:0;background:#fff"><img id="map" src="${pathToFileURL(svgPath).href}"></body></html>`;
  const htmlPath = path.join(path.dirname(pngPath), 'service-map.html');
  fs.mkdirSync(path.dirname(pngPath), { recursive: true });
  fs.writeFileSync(htmlPath, html);
  await page.goto(pathToFileURL(htmlPath).href);
  const size = await page.evaluate(async () => {
    const img = document.getElementById('map');
    if (!img.complete) await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; });
    return { width: img.naturalWidth, height: img.naturalHeight };
  });
  if (!size.width || !size.height) throw new Error('the SVG did not render (zero size)');
  await page.locator('#map').screenshot({ path: pngPath });
  fs.rmSync(htmlPath);
  console.log(`${path.relative(process.cwd(), pngPath)} ${size.width}x${size.height}`);
} finally {
  await browser.close();
}
