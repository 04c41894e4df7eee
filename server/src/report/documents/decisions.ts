/** decisions.md: the consistency decision table and the pattern selection matrix. */
import { code, document, heading, lines, table, text } from '../markdown';
import { PATTERNS, patternFor, type PatternKey } from '../patterns';
import { compareText } from '../topology/source';
import type { ConsumerView, Ref } from '../topology/types';
import type { DocContext } from './context';
import { INFERRED, capped, channelName, dedupeKind } from './format';

interface DecisionRow {
  flow: string;
  consistency: string;
  pattern: string;
  justification: string;
  tradeoff: string;
  where: string;
  source: string;
}

export function renderDecisions(ctx: DocContext): string {
  const { t } = ctx;
  return document([
    heading(1, `Consistency decisions and pattern selection: ${text(t.system)}`),
    `Recorded decisions come from the architecture file; rows marked ${INFERRED} are decisions the code makes without a record. ` +
      'A decision with no justification is a gap to close (see the open questions).',
    heading(2, 'Consistency decision table'),
    decisionTable(ctx),
    heading(2, 'Pattern selection matrix'),
    matrix(ctx),
  ]);
}

function decisionTable(ctx: DocContext): string {
  const { t, link } = ctx;
  const declared: DecisionRow[] = t.decisions.map((d) => ({
    flow: `**${text(d.flow)}**`,
    consistency: d.consistency ?? '*not recorded*',
    pattern: d.pattern,
    justification: d.justification ? text(d.justification) : '**none recorded**',
    tradeoff: d.tradeoff ? text(d.tradeoff) : '*not recorded*',
    where: lines([...d.services.map((s) => `service ${s}`), ...d.paths.map((p) => (/[*?{]/.test(p) ? code(p) : link.path(p.replace(/^\.\//, ''))))]),
    source: `declared ${link.ref(d.at)}`,
  }));
  const inferred: (DecisionRow & { key: string })[] = [];
  const covered = (pattern: string, file: string) => t.decisions.some((d) => d.pattern === pattern && d.paths.some((p) => {
    const clean = p.replace(/^\.\//, '').replace(/\/$/, '');
    return file === clean || file.startsWith(`${clean}/`);
  }));
  for (const o of t.outboxes) {
    if (covered('outbox', o.at.file)) continue;
    inferred.push(row(`${code(o.fn)} (${o.service ?? '?'})`, 'eventual', 'outbox', 'outbox', o.at, link));
  }
  for (const ch of t.channels) {
    for (const c of ch.consumers) {
      const kind = dedupeKind(c.dedupe);
      if (kind && !covered('inbox', c.at.file)) inferred.push(row(`consume ${channelName(ch.name)} (${c.service ?? '?'})`, 'eventual', kind === 'marker' ? 'inbox (processed marker)' : 'inbox', kind, c.at, link));
      else if (!kind && c.effects.length && c.redelivers === false) inferred.push(row(`consume ${channelName(ch.name)} (${c.service ?? '?'})`, 'eventual', 'none: no redelivery (request/response or at most once)', 'noRedelivery', c.at, link));
      else if (!kind && c.effects.length) inferred.push(row(`consume ${channelName(ch.name)} (${c.service ?? '?'})`, 'eventual', 'none: at-least-once without dedupe', 'noDedupe', c.at, link));
    }
    for (const p of ch.producers) {
      if (p.via === 'publish' && p.dualWrite) inferred.push(row(`publish ${channelName(ch.name)} (${p.service ?? '?'})`, 'none', 'none: dual write', 'dualWrite', p.at, link));
    }
  }
  for (const c of t.coordination) {
    if (c.justifiedBy) continue;
    inferred.push(row(`${code(c.fn)} (${c.service ?? '?'})`, c.pattern === 'two-phase-commit' ? 'strong' : 'mutual exclusion', c.pattern, c.pattern === 'two-phase-commit' ? 'twoPhaseCommit' : 'distributedLock', c.at, link));
  }
  for (const w of t.workflows) {
    if (t.decisions.some((d) => d.pattern === 'saga' && d.flow === w.name)) continue;
    inferred.push({ ...row(`**${text(w.name)}**`, 'eventual', `saga (${w.kind ?? 'kind not recorded'})`, w.kind === 'orchestration' ? 'sagaOrchestration' : 'sagaChoreography', w.at, link), source: `workflow ${link.ref(w.at)}, no decision recorded` });
  }
  for (const a of t.apis) {
    const groups = new Map<string, typeof a.calls>();
    for (const c of a.calls) {
      const key = `${c.caller ?? '?'}|${c.timeout ? 1 : 0}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const calls of groups.values()) {
      const c = calls[0];
      inferred.push({
        ...row(`${c.caller ?? '?'} → ${code(a.name)}`, 'synchronous', c.timeout ? 'synchronous call with timeout' : 'synchronous call, no timeout found', c.timeout ? 'timeout' : 'noTimeout', c.at, link),
        where: lines(calls.map((x) => link.ref(x.at))),
      });
    }
  }
  inferred.sort((a, b) => compareText(a.key, b.key));
  const rows = [...declared, ...inferred].map((r) => [r.flow, r.consistency, r.pattern, r.justification, r.tradeoff, r.where, r.source]);
  if (!rows.length) return '_No decisions recorded or found in code._';
  return table(['Flow', 'Consistency', 'Pattern', 'Justification', 'Trade-off', 'Where', 'Source'], rows);
}

function row(flow: string, consistency: string, pattern: string, key: PatternKey, at: Ref, link: DocContext['link']): DecisionRow & { key: string } {
  return {
    key: `${at.file}:${String(at.line).padStart(6, '0')}:${pattern}`,
    flow, consistency, pattern,
    justification: '**none recorded**',
    tradeoff: PATTERNS[key].tradeoff,
    where: link.ref(at),
    source: INFERRED,
  };
}

interface MatrixRow {
  concern: string;
  key: PatternKey;
  at: Ref[];
  note?: string;
  /** The handlers of a consumer-side row, whose transports decide what it says about delivery. */
  consumers?: ConsumerView[];
}

function matrix(ctx: DocContext): string {
  const { t, link } = ctx;
  const rows: MatrixRow[] = [];
  const consumers = t.channels.flatMap((c) => c.consumers);
  const producers = t.channels.flatMap((c) => c.producers);
  const push = (concern: string, key: PatternKey, at: Ref[], note?: string) => {
    if (at.length || note) rows.push({ concern, key, at, note });
  };
  const pushConsumers = (concern: string, key: PatternKey, list: ConsumerView[]) => {
    if (list.length) rows.push({ concern, key, at: list.map((c) => c.at), consumers: list });
  };
  const decided = (consistency: string) => t.decisions.filter((d) => d.consistency === consistency).map((d) => d.at);
  push('Consistency', 'strong', decided('strong'));
  push('Consistency', 'eventual', decided('eventual'), t.channels.length && !decided('eventual').length ? `${t.channels.length} asynchronous channels` : undefined);
  push('Publishing state changes', 'outbox', t.outboxes.map((o) => o.at));
  push('Publishing state changes', 'dualWrite', producers.filter((p) => p.via === 'publish' && p.dualWrite).map((p) => p.at));
  pushConsumers('Duplicate delivery', 'inbox', consumers.filter((c) => dedupeKind(c.dedupe) === 'inbox'));
  pushConsumers('Duplicate delivery', 'marker', consumers.filter((c) => dedupeKind(c.dedupe) === 'marker'));
  pushConsumers('Duplicate delivery', 'dedupe', consumers.filter((c) => dedupeKind(c.dedupe) === 'dedupe'));
  pushConsumers('Duplicate delivery', 'noDedupe', consumers.filter((c) => !c.dedupe && c.effects.length && c.redelivers !== false));
  pushConsumers('Duplicate delivery', 'noRedelivery', consumers.filter((c) => !c.dedupe && c.effects.length && c.redelivers === false));
  push('Poison messages', 'deadLetter', consumers.map((c) => c.deadLetter?.at).filter((r): r is Ref => !!r));
  push('Poison messages', 'boundedRetry', consumers.map((c) => c.retry?.at).filter((r): r is Ref => !!r));
  for (const w of t.workflows) push('Transactions across services', w.kind === 'orchestration' ? 'sagaOrchestration' : 'sagaChoreography', [w.at]);
  push('Atomic update across datastores', 'twoPhaseCommit', t.coordination.filter((c) => c.pattern === 'two-phase-commit').map((c) => c.at));
  push('Mutual exclusion across replicas', 'distributedLock', t.coordination.filter((c) => c.pattern === 'distributed-lock').map((c) => c.at));
  const calls = t.apis.flatMap((a) => a.calls);
  push('Failure handling (synchronous calls)', 'timeout', calls.filter((c) => c.timeout).map((c) => c.at));
  push('Failure handling (synchronous calls)', 'noTimeout', calls.filter((c) => !c.timeout).map((c) => c.at));
  push('Failure handling (synchronous calls)', 'idempotencyKey', calls.filter((c) => c.idempotencyKey).map((c) => c.at));
  push('Failure handling (synchronous calls)', 'circuitBreaker', calls.map((c) => c.breaker?.at).filter((r): r is Ref => !!r));
  push('Tracing across services', 'correlation', [...producers.filter((p) => p.correlation === 'present').map((p) => p.at), ...calls.filter((c) => c.correlation === 'present').map((c) => c.at)]);
  push('Tracing across services', 'tracing', [], t.services.filter((s) => s.tracing).map((s) => s.name).join(', ') || undefined);
  push('Data ownership', 'sharedDatabase', t.datastores.filter((d) => d.shared).flatMap((d) => d.uses.filter((u) => u.role !== 'owner' && u.role !== 'sole').map((u) => u.at)));
  if (t.datastores.length) push('Replication', 'replication', [], 'per datastore');
  if (!rows.length) return '_No patterns found._';
  return table(['Concern', 'Pattern', 'Rationale', 'Trade-off'], rows.map((r) => {
    const info = patternFor(r.key, r.consumers ?? []);
    const where = uniqueRefs(r.at).map((a) => link.ref(a));
    return [
      r.concern,
      lines([`**${info.name}**`, ...capped(where, 4), ...(r.note && !where.length ? [text(r.note)] : [])]),
      info.rationale,
      info.tradeoff,
    ];
  }));
}

function uniqueRefs(list: Ref[]): Ref[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const k = `${r.file}:${r.line}`;
    return seen.has(k) ? false : (seen.add(k), true);
  }).sort((a, b) => compareText(a.file, b.file) || a.line - b.line);
}
