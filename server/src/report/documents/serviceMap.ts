/** service-map.md (+ service-map.svg): services, owners, datastores, channels and sync calls; boundary violations stand out. */
import { code, document, heading, lines, table, text } from '../markdown';
import { buildServiceMap } from '../map/graph';
import { layoutServiceMap, type Scene } from '../map/layout';
import { renderMermaid } from '../map/mermaid';
import { renderSvg } from '../map/svg';
import { FILES, type DocContext } from './context';
import { INFERRED, NONE_FOUND, channelName, flowOf, refs } from './format';

export interface ServiceMapOutput {
  markdown: string;
  svg: string;
  scene: Scene;
}

export function renderServiceMap(ctx: DocContext): ServiceMapOutput {
  const { t, link } = ctx;
  const map = buildServiceMap(t);
  const scene = layoutServiceMap(map);
  const svg = renderSvg(scene, map.title);
  const violations = t.datastores.flatMap((d) => d.uses.filter((u) => u.role === 'foreign' || u.role === 'shared').map((u) => ({ d, u })));
  const markdown = document([
    heading(1, `Service and ownership map: ${text(t.system)}`),
    `![Service and ownership map of ${text(t.system)}](${FILES.serviceMapSvg})`,
    'Boxes are services (dashed: external APIs), cylinders are datastores under their owner. Each arrow row is one channel ' +
      '(solid: declared and found in code; grey dashed: declared, not found in code; orange dashed: in code, not declared) or one ' +
      'synchronous call (violet). Orange cylinders and arrows are shared datastores and uses that cross an ownership boundary.',
    'The same map as Mermaid source (GitHub renders it), grouped by kind: services, infrastructure containers of the deployment ' +
      'configuration (brokers, proxies, tools; databases and caches are drawn as the datastores the code connects to), external APIs ' +
      'and datastores. One arrow per pair of services lists every channel and call between them:',
    '```mermaid\n' + renderMermaid(map) + '\n```',
    heading(2, 'Services'),
    table(['Service', 'Kind', 'Owner', 'Why it is a separate service', 'Code', 'Source'], t.services.map((s) => [
      `**${s.name}**`,
      s.kind,
      s.owner ?? '*no owner*',
      s.why ? text(s.why) : '*not recorded*',
      lines(s.paths.map((p) => (/[*?{[]/.test(p) ? code(p) : link.path(p)))),
      s.declaredAt ? `declared ${link.ref(s.declaredAt)}` : `${INFERRED} from ${s.evidence.length ? refs(link, s.evidence) : code(s.origin)}`,
    ])),
    heading(2, 'Datastores'),
    t.datastores.length
      ? table(['Datastore', 'Kind', 'Owner', 'Used in code by', 'Status'], t.datastores.map((d) => [
        `**${d.name}**${d.declaredAt ? `<br>${link.ref(d.declaredAt)}` : ''}`,
        d.kind ?? '*unknown*',
        d.owner ?? '*no owner*',
        lines(d.uses.map((u) => `${u.service}: ${link.ref(u.at)} via ${code(u.via)}${u.role === 'foreign' ? ' **(not the owner)**' : u.role === 'shared' ? ' **(shared)**' : ''}`)) || NONE_FOUND,
        `${d.inferred ? `${INFERRED} from code` : 'declared'}${d.shared ? '; **shared**' : ''}`,
      ]))
      : '_No datastores declared or found in code._',
    heading(2, 'Ownership boundary violations'),
    violations.length
      ? table(['Service', 'Datastore', 'Owner', 'Where'], violations.map(({ d, u }) => [
        u.service, d.name, d.owner ?? `*none; also used by ${d.uses.filter((x) => x.service !== u.service).map((x) => x.service).join(', ')}*`, link.ref(u.at),
      ]))
      : '_None found: every datastore use in code is by its owner._',
    heading(2, 'Interactions'),
    t.channels.length || t.apis.length
      ? table(['Interaction', 'Kind', 'From → to', 'Where'], [
        ...t.channels.map((c) => [channelName(c.name), `message${c.broker ? ` (${c.broker})` : ''}`, flowOf(c),
          lines([...c.producers.map((p) => link.ref(p.at)), ...c.consumers.map((x) => link.ref(x.at))]) || (c.declaredAt ? link.ref(c.declaredAt) : '')]),
        ...t.apis.map((a) => [code(a.name), `synchronous${a.protocol ? ` (${a.protocol})` : ''}`,
          `${[...new Set([...a.consumers, ...a.calls.map((c) => c.caller ?? '?')])].sort().join(', ') || '?'} → ${a.external ? `${a.name} (external)` : a.provider ?? '?'}`,
          lines(a.calls.map((c) => link.ref(c.at))) || (a.declaredAt ? link.ref(a.declaredAt) : '')]),
      ])
      : '_No channels or synchronous calls declared or found._',
  ]);
  return { markdown, svg, scene };
}
