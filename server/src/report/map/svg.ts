/**
 * Serialises a laid-out service map to a standalone SVG (no scripts, no
 * external fonts or images), so it renders as an image in GitHub and in
 * VS Code's built-in Markdown preview.
 */
import { MARKER } from '../markdown';
import { FONT_SIZE, STORE_RY, type LineItem, type Scene, type Stroke, type TextItem } from './layout';

const COLORS: Record<Stroke, { color: string; dash?: string; width: number }> = {
  observed: { color: '#343a40', width: 2 },
  sync: { color: '#5f3dc4', width: 2 },
  syncDeclared: { color: '#b197fc', dash: '6 4', width: 1.5 },
  declared: { color: '#adb5bd', dash: '6 4', width: 1.5 },
  drift: { color: '#d9480f', dash: '6 4', width: 2 },
  warn: { color: '#d9480f', width: 2 },
  home: { color: '#495057', width: 1.5 },
  homeDeclared: { color: '#adb5bd', dash: '4 3', width: 1.5 },
};

const FONT = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";

export function renderSvg(scene: Scene, title: string): string {
  const out: string[] = [];
  out.push(MARKER);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}" role="img" aria-label="${esc(title)}" font-family="${esc(FONT)}" font-size="${FONT_SIZE}">`);
  out.push(`<title>${esc(title)}</title>`);
  out.push('<defs>');
  for (const [name, c] of Object.entries(COLORS)) {
    out.push(`<marker id="head-${name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${c.color}"/></marker>`);
  }
  out.push('</defs>');
  out.push(`<rect x="0" y="0" width="${scene.width}" height="${scene.height}" fill="#ffffff"/>`);
  // Lines first (under boxes), lifelines among them.
  for (const line of scene.lines) out.push(renderLine(line));
  for (const u of scene.unknowns) {
    out.push(`<circle cx="${u.x}" cy="${u.y}" r="9" fill="#ffffff" stroke="#868e96" stroke-width="1.5"/>`);
    out.push(`<text x="${u.x}" y="${u.y + 4}" text-anchor="middle" fill="#495057" font-weight="bold">?</text>`);
  }
  for (const b of scene.boxes) {
    const external = b.kind === 'external';
    out.push(`<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="${external ? '#f8f9fa' : '#e7f5ff'}" stroke="${external ? '#868e96' : '#1c7ed6'}" stroke-width="1.5"${external ? ' stroke-dasharray="5 3"' : ''}/>`);
  }
  for (const s of scene.stores) {
    const ry = STORE_RY;
    const fill = s.warn ? '#fff4e6' : '#f1f3f5';
    const stroke = s.warn ? '#d9480f' : '#495057';
    const { x, y, w, h } = s;
    out.push(`<path d="M${x},${y + ry} A${w / 2},${ry} 0 0 0 ${x + w},${y + ry} L${x + w},${y + h - ry} A${w / 2},${ry} 0 0 1 ${x},${y + h - ry} Z" fill="${fill}" stroke="${stroke}" stroke-width="${s.warn ? 2 : 1.5}"/>`);
    out.push(`<ellipse cx="${x + w / 2}" cy="${y + ry}" rx="${w / 2}" ry="${ry}" fill="${fill}" stroke="${stroke}" stroke-width="${s.warn ? 2 : 1.5}"/>`);
  }
  for (const t of scene.texts) out.push(renderText(t));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function renderLine(line: LineItem): string {
  const c = COLORS[line.stroke];
  const d = line.points.map(([x, y], i) => `${i ? 'L' : 'M'}${x},${y}`).join(' ');
  const parts = [`<path d="${d}" fill="none" stroke="${c.color}" stroke-width="${c.width}"`];
  if (c.dash) parts.push(` stroke-dasharray="${c.dash}"`);
  if (line.head) parts.push(` marker-end="url(#head-${line.stroke})"`);
  parts.push('/>');
  const [x0, y0] = line.points[0];
  const dot = line.dot ? `\n<circle cx="${x0}" cy="${y0}" r="3.5" fill="${c.color}"/>` : '';
  return parts.join('') + dot;
}

function renderText(t: TextItem): string {
  const color = t.stroke ? (t.stroke === 'declared' ? '#868e96' : COLORS[t.stroke].color) : '#212529';
  const attrs = [`x="${t.x}"`, `y="${t.y}"`, `fill="${color}"`];
  if (t.anchor !== 'start') attrs.push(`text-anchor="${t.anchor}"`);
  if (t.bold) attrs.push('font-weight="bold"');
  if (t.size && t.size !== FONT_SIZE) attrs.push(`font-size="${t.size}"`);
  if (t.halo) attrs.push('stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"');
  return `<text ${attrs.join(' ')}>${esc(t.text)}</text>`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
