/**
 * The service map as Mermaid source, which GitHub renders in a ```mermaid
 * block. Built to stay readable at 15+ services: nodes are grouped by kind
 * (services, infrastructure, external APIs, datastores), and there is one
 * edge per ordered pair of nodes, its label listing the channels (at most
 * MAX_NAMES, then "+n more") and calls it stands for. Channels with no
 * producer in the workspace come from one "?" node, channels with no
 * consumer go to one "no consumer" node.
 */
import type { EdgeStyle, MapNode, ServiceMap } from './graph';

const MAX_NAMES = 3;
const UNKNOWN = 'unknown:producer';
const NO_CONSUMER = 'unknown:consumer';

const GROUPS: { kind: MapNode['kind'] | 'store'; id: string; title: string }[] = [
  { kind: 'service', id: 'services', title: 'Services' },
  { kind: 'infrastructure', id: 'infrastructure', title: 'Infrastructure' },
  { kind: 'external', id: 'external_apis', title: 'External APIs' },
  { kind: 'store', id: 'datastores', title: 'Datastores' },
];

interface Pair {
  from: string;
  to: string;
  channels: Map<string, Set<string>>;
  calls: string[];
  styles: Set<EdgeStyle>;
}

export function renderMermaid(map: ServiceMap): string {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const idOf = (key: string) => {
    let id = ids.get(key);
    if (id) return id;
    const base = key.replace(/^(svc|ext|ds|infra|unknown):/, (_, p: string) => `${p}_`).replace(/[^A-Za-z0-9_]/g, '_');
    id = base;
    for (let n = 2; used.has(id) || GROUPS.some((g) => g.id === id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(key, id);
    return id;
  };

  // One edge per ordered pair: every channel and call between the same two nodes.
  const pairs = new Map<string, Pair>();
  const pair = (from: string, to: string): Pair => {
    const key = `${from}\u0000${to}`;
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = { from, to, channels: new Map(), calls: [], styles: new Set() }));
    return p;
  };
  for (const e of map.edges) {
    const from = e.from ?? UNKNOWN;
    const targets = e.targets.length ? e.targets : e.kind === 'channel' && e.from ? [{ to: NO_CONSUMER, style: 'declared' as const }] : [];
    for (const t of targets) {
      const p = pair(from, t.to);
      p.styles.add(t.style);
      if (e.kind === 'channel') {
        const name = e.channel ?? e.label;
        const brokers = p.channels.get(name) ?? new Set<string>();
        if (e.broker) brokers.add(e.broker);
        p.channels.set(name, brokers);
      } else if (!p.calls.includes(e.label)) p.calls.push(e.label);
    }
  }
  const endpoints = new Set([...pairs.values()].flatMap((p) => [p.from, p.to]));

  const out: string[] = ['flowchart LR'];
  for (const g of GROUPS) {
    const members = g.kind === 'store'
      ? map.stores.map((s) => `${idOf(s.id)}[("${label_(s.label)}<br/>${label_(s.sublabel)}")]`)
      : map.nodes.filter((n) => n.kind === g.kind).map((n) => {
        const text = `${label_(n.label)}${n.sublabel ? `<br/>${label_(n.sublabel)}` : ''}`;
        return n.kind === 'external' ? `${idOf(n.id)}{{"${text}"}}` : n.kind === 'infrastructure' ? `${idOf(n.id)}[/"${text}"/]` : `${idOf(n.id)}["${text}"]`;
      });
    if (!members.length) continue;
    out.push(`  subgraph ${g.id}["${g.title}"]`);
    for (const m of members) out.push(`    ${m}`);
    out.push('  end');
  }
  if (endpoints.has(UNKNOWN)) out.push(`  ${idOf(UNKNOWN)}(("?"))`);
  if (endpoints.has(NO_CONSUMER)) out.push(`  ${idOf(NO_CONSUMER)}(("no consumer<br/>found"))`);

  const styles: { index: number; color: string }[] = [];
  let index = 0;
  const edge = (from: string, to: string, label: string, dashed: boolean, color?: string, arrow = true) => {
    const link = dashed ? (arrow ? '-.->' : '-.-') : arrow ? '-->' : '---';
    out.push(`  ${from} ${link}${label ? `|"${label_(label)}"|` : ''} ${to}`);
    if (color) styles.push({ index, color });
    index++;
  };
  for (const p of pairs.values()) {
    const style: EdgeStyle = p.styles.has('drift') ? 'drift' : p.styles.has('observed') ? 'observed' : 'declared';
    const syncOnly = p.channels.size === 0;
    const color = style === 'drift' ? '#d9480f' : style === 'declared' ? '#adb5bd' : syncOnly ? '#5f3dc4' : undefined;
    edge(idOf(p.from), idOf(p.to), [channelText(p.channels), ...p.calls].filter(Boolean).join('; '), style !== 'observed' || syncOnly, color);
  }
  for (const u of map.uses) {
    const store = map.stores.find((s) => s.id === u.store)!;
    const label = u.role === 'foreign' ? `uses ${store.label} (not the owner)` : u.role === 'shared' ? `shares ${store.label}` : '';
    edge(idOf(u.service), idOf(u.store), label, !u.observed || u.role !== 'home', u.warn ? '#d9480f' : !u.observed ? '#adb5bd' : undefined, u.role !== 'home');
  }
  out.push('  classDef service fill:#e7f5ff,stroke:#1c7ed6,color:#212529');
  out.push('  classDef external fill:#f8f9fa,stroke:#868e96,stroke-dasharray:5 3,color:#212529');
  out.push('  classDef infrastructure fill:#f8f9fa,stroke:#495057,color:#212529');
  out.push('  classDef store fill:#f1f3f5,stroke:#495057,color:#212529');
  out.push('  classDef warn fill:#fff4e6,stroke:#d9480f,stroke-width:2px,color:#212529');
  const cls = (kind: string, list: string[]) => list.length && out.push(`  class ${list.join(',')} ${kind}`);
  cls('service', map.nodes.filter((n) => n.kind === 'service').map((n) => idOf(n.id)));
  cls('infrastructure', map.nodes.filter((n) => n.kind === 'infrastructure').map((n) => idOf(n.id)));
  cls('external', map.nodes.filter((n) => n.kind === 'external').map((n) => idOf(n.id)));
  cls('store', map.stores.filter((s) => !s.warn).map((s) => idOf(s.id)));
  cls('warn', map.stores.filter((s) => s.warn).map((s) => idOf(s.id)));
  for (const s of styles) out.push(`  linkStyle ${s.index} stroke:${s.color},stroke-width:2px`);
  return out.join('\n');
}

/** "a, b, c +2 more · kafka": the channels of one edge, then their brokers. */
function channelText(channels: Map<string, Set<string>>): string {
  if (!channels.size) return '';
  const names = [...channels.keys()].sort();
  const shown = names.length > MAX_NAMES ? `${names.slice(0, MAX_NAMES).join(', ')} +${names.length - MAX_NAMES} more` : names.join(', ');
  const brokers = [...new Set([...channels.values()].flatMap((b) => [...b]))].sort();
  return `${shown}${brokers.length ? ` · ${brokers.join(', ')}` : ''}`;
}

function label_(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}
