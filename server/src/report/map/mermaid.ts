/** The same service map as Mermaid source, which GitHub renders in a ```mermaid block. */
import type { ServiceMap } from './graph';

export function renderMermaid(map: ServiceMap): string {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const idOf = (key: string) => {
    let id = ids.get(key);
    if (id) return id;
    const base = key.replace(/^(svc|ext|ds):/, (_, p: string) => `${p}_`).replace(/[^A-Za-z0-9_]/g, '_');
    id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(key, id);
    return id;
  };
  const out: string[] = ['flowchart LR'];
  for (const n of map.nodes) {
    const label = `${label_(n.label)}${n.sublabel ? `<br/>${label_(n.sublabel)}` : ''}`;
    out.push(n.kind === 'external' ? `  ${idOf(n.id)}{{"${label}"}}` : `  ${idOf(n.id)}["${label}"]`);
  }
  for (const s of map.stores) out.push(`  ${idOf(s.id)}[("${label_(s.label)}<br/>${label_(s.sublabel)}")]`);
  const styles: { index: number; color: string }[] = [];
  let index = 0;
  const edge = (from: string, to: string, label: string, dashed: boolean, color?: string, arrow = true) => {
    const link = dashed ? (arrow ? '-.->' : '-.-') : arrow ? '-->' : '---';
    out.push(`  ${from} ${link}${label ? `|"${label_(label)}"|` : ''} ${to}`);
    if (color) styles.push({ index, color });
    index++;
  };
  for (const e of map.edges) {
    const from = e.from ? idOf(e.from) : undefined;
    for (const t of e.targets) {
      const source = from ?? (() => {
        const id = idOf(`unknown:${e.label}`);
        out.push(`  ${id}(("?"))`);
        return id;
      })();
      const color = t.style === 'drift' ? '#d9480f' : t.style === 'declared' ? '#adb5bd' : e.kind === 'sync' ? '#5f3dc4' : undefined;
      edge(source, idOf(t.to), e.label, t.style !== 'observed' || e.kind === 'sync', color);
    }
  }
  for (const u of map.uses) {
    const store = map.stores.find((s) => s.id === u.store)!;
    const label = u.role === 'foreign' ? `uses ${store.label} (not the owner)` : u.role === 'shared' ? `shares ${store.label}` : '';
    edge(idOf(u.service), idOf(u.store), label, !u.observed || u.role !== 'home', u.warn ? '#d9480f' : !u.observed ? '#adb5bd' : undefined, u.role !== 'home');
  }
  out.push('  classDef service fill:#e7f5ff,stroke:#1c7ed6,color:#212529');
  out.push('  classDef external fill:#f8f9fa,stroke:#868e96,stroke-dasharray:5 3,color:#212529');
  out.push('  classDef store fill:#f1f3f5,stroke:#495057,color:#212529');
  out.push('  classDef warn fill:#fff4e6,stroke:#d9480f,stroke-width:2px,color:#212529');
  const cls = (kind: string, list: string[]) => list.length && out.push(`  class ${list.join(',')} ${kind}`);
  cls('service', map.nodes.filter((n) => n.kind === 'service').map((n) => idOf(n.id)));
  cls('external', map.nodes.filter((n) => n.kind === 'external').map((n) => idOf(n.id)));
  cls('store', map.stores.filter((s) => !s.warn).map((s) => idOf(s.id)));
  cls('warn', map.stores.filter((s) => s.warn).map((s) => idOf(s.id)));
  for (const s of styles) out.push(`  linkStyle ${s.index} stroke:${s.color},stroke-width:2px`);
  return out.join('\n');
}

function label_(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}
