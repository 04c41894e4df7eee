/**
 * Deterministic layout of the service map, in the style of a sequence
 * diagram: services (and external APIs) are columns with a lifeline; every
 * channel, sync call and cross-boundary datastore use gets its own
 * horizontal lane, so no two labels or arrows share a row; datastores sit
 * at the bottom under their owner's column. Text widths are estimated for a
 * monospace font, so the geometry does not depend on the renderer.
 */
import { compareText } from '../topology/source';
import type { EdgeStyle, MapEdge, MapNode, ServiceMap } from './graph';

export const FONT_SIZE = 12;
export const CHAR_W = 7.4;
const PAD = 14;
const COL_GAP = 48;
const BOX_H = 46;
const STORE_H = 58;
/** Vertical radius of a cylinder's top ellipse (svg.ts draws it). */
export const STORE_RY = 7;
const STORE_GAP = 16;
const TOP = 52;
const LANE_GAP = 40;
const USE_LANE_GAP = 32;
const BUS_DROP = 18;

export type Stroke = EdgeStyle | 'sync' | 'syncDeclared' | 'home' | 'homeDeclared' | 'warn';

export interface TextItem {
  x: number;
  y: number;
  text: string;
  anchor: 'start' | 'middle' | 'end';
  bold?: boolean;
  size?: number;
  stroke?: Stroke;
  /** Drawn with a white halo (over lines). */
  halo?: boolean;
}

export interface BoxItem {
  id: string;
  kind: MapNode['kind'];
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface StoreItem {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  warn: boolean;
}

export interface LineItem {
  points: [number, number][];
  stroke: Stroke;
  /** Arrowhead at the last point. */
  head?: boolean;
  /** Dot at the first point. */
  dot?: boolean;
}

export interface Scene {
  width: number;
  height: number;
  boxes: BoxItem[];
  stores: StoreItem[];
  lines: LineItem[];
  texts: TextItem[];
  /** A "?" marker where a channel has no known producer. */
  unknowns: { x: number; y: number }[];
}

export function textWidth(s: string, size = FONT_SIZE): number {
  return Math.ceil(s.length * CHAR_W * (size / FONT_SIZE));
}

export function layoutServiceMap(map: ServiceMap): Scene {
  const order = columnOrder(map);
  const nodeById = new Map(map.nodes.map((n) => [n.id, n]));
  const storesByHome = new Map<string, typeof map.stores>();
  const homeless: typeof map.stores = [];
  for (const s of map.stores) {
    if (s.home && nodeById.has(s.home)) storesByHome.set(s.home, [...(storesByHome.get(s.home) ?? []), s]);
    else homeless.push(s);
  }
  const storeW = (s: (typeof map.stores)[number]) => Math.max(104, Math.max(textWidth(s.label), textWidth(s.sublabel)) + 2 * PAD);
  const boxW = (n: MapNode) => Math.max(textWidth(n.label), textWidth(n.sublabel ?? '')) + 2 * PAD + 4;

  const needsUnknown = map.edges.some((e) => !e.from);
  let x = needsUnknown ? 96 : 32;
  const center = new Map<string, number>();
  const boxes: BoxItem[] = [];
  const texts: TextItem[] = [];
  const columns: { id?: string; x: number; w: number; stores: typeof map.stores }[] = [];
  for (const id of order) {
    const n = nodeById.get(id)!;
    const stores = storesByHome.get(id) ?? [];
    const storesWidth = stores.reduce((sum, s) => sum + storeW(s), 0) + STORE_GAP * Math.max(0, stores.length - 1);
    const w = Math.max(boxW(n), storesWidth, 120);
    columns.push({ id, x, w, stores });
    const cx = Math.round(x + w / 2);
    center.set(id, cx);
    const bw = boxW(n);
    boxes.push({ id, kind: n.kind, x: Math.round(cx - bw / 2), y: TOP, w: bw, h: BOX_H });
    texts.push({ x: cx, y: TOP + 19, text: n.label, anchor: 'middle', bold: true });
    if (n.sublabel) texts.push({ x: cx, y: TOP + 35, text: n.sublabel, anchor: 'middle', size: 11 });
    x += w + COL_GAP;
  }
  if (homeless.length) {
    const w = homeless.reduce((sum, s) => sum + storeW(s), 0) + STORE_GAP * (homeless.length - 1);
    columns.push({ x, w, stores: homeless });
    x += w + COL_GAP;
  }
  let right = x - COL_GAP;

  // Lanes: channels and sync calls, then datastore uses that cross a boundary.
  const lines: LineItem[] = [];
  const unknowns: Scene['unknowns'] = [];
  let y = TOP + BOX_H + 44;
  const lastLane = new Map<string, number>();
  const touch = (id: string, laneY: number) => lastLane.set(id, Math.max(lastLane.get(id) ?? 0, laneY));
  for (const edge of sortedEdges(map.edges, center)) {
    right = Math.max(right, drawEdge(edge, y, center, lines, texts, unknowns, touch));
    y += LANE_GAP;
  }
  const storeCenter = new Map<string, number>();
  for (const col of columns) {
    const total = col.stores.reduce((sum, s) => sum + storeW(s), 0) + STORE_GAP * Math.max(0, col.stores.length - 1);
    let sx = col.x + (col.w - total) / 2;
    for (const s of col.stores) {
      storeCenter.set(s.id, Math.round(sx + storeW(s) / 2));
      sx += storeW(s) + STORE_GAP;
    }
  }
  const crossing = map.uses.filter((u) => u.role !== 'home').sort((a, b) =>
    (center.get(a.service)! - center.get(b.service)!) || compareText(a.store, b.store));
  const useLanes: { y: number; use: (typeof crossing)[number] }[] = [];
  if (crossing.length) y += 4;
  for (const use of crossing) {
    useLanes.push({ y, use });
    y += USE_LANE_GAP;
  }
  const storesTop = y + BUS_DROP + 10;
  const busY = storesTop - BUS_DROP;

  const legs = new Map<string, number>();
  for (const { y: laneY, use } of useLanes) {
    const sx = center.get(use.service)!;
    // Land beside the owner's connector (which enters the store's centre), one slot per crossing use.
    const k = legs.get(use.store) ?? 0;
    legs.set(use.store, k + 1);
    const half = storeW(map.stores.find((s) => s.id === use.store)!) / 2;
    const side = sx < storeCenter.get(use.store)! ? -1 : 1;
    const offset = Math.min(half - 12, 22 + 14 * k);
    const dx = storeCenter.get(use.store)! + side * offset;
    const rim = Math.round(storesTop + STORE_RY - STORE_RY * Math.sqrt(1 - (offset / half) ** 2));
    touch(use.service, laneY);
    lines.push({ points: [[sx, laneY], [dx, laneY], [dx, rim]], stroke: 'warn', head: true, dot: true });
    const store = map.stores.find((s) => s.id === use.store)!;
    const label = use.role === 'foreign' ? `uses ${store.label} (owned by another service)` : `shares ${store.label}`;
    const leftward = dx < sx;
    const tx = leftward ? sx - 8 : sx + 8;
    texts.push({ x: tx, y: laneY - 9, text: label, anchor: leftward ? 'end' : 'start', stroke: 'warn', halo: true, size: 11 });
    right = Math.max(right, leftward ? sx : tx + textWidth(label, 11));
  }

  const stores: StoreItem[] = [];
  for (const col of columns) {
    for (const s of col.stores) {
      const cx = storeCenter.get(s.id)!;
      const w = storeW(s);
      stores.push({ id: s.id, x: Math.round(cx - w / 2), y: storesTop, w, h: STORE_H, warn: s.warn });
      texts.push({ x: cx, y: storesTop + 30, text: s.label, anchor: 'middle', bold: true, size: 11 });
      texts.push({ x: cx, y: storesTop + 45, text: s.sublabel, anchor: 'middle', size: 10 });
      const home = map.uses.find((u) => u.store === s.id && u.role === 'home');
      if (home && col.id) {
        const hx = center.get(col.id)!;
        touch(col.id, busY);
        lines.push({ points: hx === cx ? [[hx, busY], [cx, storesTop]] : [[hx, busY], [cx, busY], [cx, storesTop]], stroke: home.observed ? (home.warn ? 'warn' : 'home') : 'homeDeclared' });
      }
    }
  }

  // Lifelines from each box to its last lane.
  const lifelines: LineItem[] = [];
  for (const id of order) {
    const end = lastLane.get(id);
    if (end === undefined) continue;
    lifelines.push({ points: [[center.get(id)!, TOP + BOX_H], [center.get(id)!, end]], stroke: 'declared' });
  }

  // Legend.
  let legendY = (stores.length ? storesTop + STORE_H : y) + 40;
  texts.push({ x: 32, y: legendY - 16, text: 'Legend', anchor: 'start', bold: true, size: 11 });
  const legend: { stroke: Stroke; label: string }[] = [
    { stroke: 'observed', label: 'channel: declared and found in code' },
    { stroke: 'sync', label: 'synchronous call' },
    { stroke: 'declared', label: 'declared, not found in code' },
    { stroke: 'drift', label: 'in code, not declared' },
    { stroke: 'warn', label: 'crosses a datastore ownership boundary' },
  ];
  let lx = 32;
  const legendRight = Math.max(right, 720);
  for (const item of legend) {
    const w = 44 + textWidth(item.label, 11) + 28;
    if (lx + w > legendRight && lx > 32) {
      lx = 32;
      legendY += 22;
    }
    lines.push({ points: [[lx, legendY - 4], [lx + 34, legendY - 4]], stroke: item.stroke, head: true });
    texts.push({ x: lx + 44, y: legendY, text: item.label, anchor: 'start', size: 11 });
    lx += w;
  }
  right = Math.max(right, legendRight);
  texts.push({ x: 32, y: 28, text: map.title, anchor: 'start', bold: true, size: 15 });
  right = Math.max(right, 32 + textWidth(map.title, 15));

  return {
    width: Math.ceil(right + 32),
    height: legendY + 24,
    boxes,
    stores,
    lines: [...lifelines, ...lines],
    texts,
    unknowns,
  };
}

/** Services in topological order of the edges (producers and callers first), each external right after its last caller. */
function columnOrder(map: ServiceMap): string[] {
  const services = map.nodes.filter((n) => n.kind === 'service').map((n) => n.id).sort(compareText);
  const incoming = new Map(services.map((s) => [s, new Set<string>()]));
  for (const e of map.edges) {
    if (!e.from || !incoming.has(e.from)) continue;
    for (const t of e.targets) if (t.to !== e.from && incoming.has(t.to)) incoming.get(t.to)!.add(e.from);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < services.length) {
    const remaining = services.filter((s) => !placed.has(s));
    const pending = (s: string) => [...incoming.get(s)!].filter((p) => !placed.has(p)).length;
    const next = remaining.filter((s) => pending(s) === 0)[0] ??
      [...remaining].sort((a, b) => pending(a) - pending(b) || compareText(a, b))[0];
    order.push(next);
    placed.add(next);
  }
  const externals = map.nodes.filter((n) => n.kind === 'external').map((n) => n.id).sort(compareText);
  for (const ext of externals) {
    const callers = map.edges.filter((e) => e.from && e.targets.some((t) => t.to === ext)).map((e) => order.indexOf(e.from!));
    const after = callers.length ? Math.max(...callers) : order.length - 1;
    let at = after + 1;
    while (at < order.length && order[at].startsWith('ext:') && compareText(order[at], ext) < 0) at++;
    order.splice(at, 0, ext);
  }
  return order;
}

function sortedEdges(edges: MapEdge[], center: Map<string, number>): MapEdge[] {
  const x = (e: MapEdge) => (e.from ? center.get(e.from)! : Math.min(...e.targets.map((t) => center.get(t.to)!)));
  return [...edges].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'channel' ? -1 : 1) || x(a) - x(b) || compareText(a.label, b.label));
}

function strokeFor(edge: MapEdge, style: EdgeStyle): Stroke {
  if (edge.kind === 'sync') return style === 'observed' ? 'sync' : style === 'declared' ? 'syncDeclared' : 'drift';
  return style;
}

/** Draws one lane; returns the rightmost x it used. */
function drawEdge(
  edge: MapEdge, y: number, center: Map<string, number>, lines: LineItem[], texts: TextItem[],
  unknowns: Scene['unknowns'], touch: (id: string, y: number) => void,
): number {
  const targets = edge.targets.map((t) => ({ ...t, x: center.get(t.to)! }));
  const fromX = edge.from ? center.get(edge.from)! : Math.min(...targets.map((t) => t.x)) - 56;
  if (edge.from) touch(edge.from, y);
  else unknowns.push({ x: fromX, y });
  let right = fromX;
  const rightward = targets.filter((t) => t.x > fromX).sort((a, b) => a.x - b.x);
  const leftward = targets.filter((t) => t.x < fromX).sort((a, b) => b.x - a.x);
  const self = targets.find((t) => t.x === fromX && edge.from);
  for (const side of [rightward, leftward]) {
    let prev = fromX;
    side.forEach((t, i) => {
      touch(t.to, y);
      lines.push({ points: [[prev, y], [t.x, y]], stroke: strokeFor(edge, t.style), head: true, dot: i === 0 && !!edge.from });
      prev = t.x;
      right = Math.max(right, t.x);
    });
  }
  if (self) {
    lines.push({ points: [[fromX, y], [fromX + 30, y], [fromX + 30, y + 12], [fromX + 5, y + 12]], stroke: strokeFor(edge, self.style), head: true, dot: true });
    right = Math.max(right, fromX + 30);
  }
  const labelStroke = strokeFor(edge, targets.every((t) => t.style === 'declared') ? 'declared' : targets.some((t) => t.style === 'drift') && targets.every((t) => t.style !== 'observed') ? 'drift' : 'observed');
  const onlyLeft = !rightward.length && !self && leftward.length > 0 && fromX - 10 - textWidth(edge.label) > 8;
  const tx = onlyLeft ? fromX - 10 : fromX + (edge.from ? 10 : 14);
  texts.push({ x: tx, y: y - 9, text: edge.label, anchor: onlyLeft ? 'end' : 'start', stroke: labelStroke, halo: true });
  return Math.max(right, onlyLeft ? fromX : tx + textWidth(edge.label));
}
