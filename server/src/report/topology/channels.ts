/**
 * Channels: the declared contracts joined with what the code does — who
 * publishes (directly, or through an outbox and its relay), who consumes,
 * how each handler deduplicates, retries and dead-letters — and where the
 * two disagree (drift). Channel names, their transport and the services
 * producing and consuming them are the system model's (describe.ts); the
 * per-call details (locations, guards, retries) are read from the facts.
 */
import { Node } from 'ts-morph';
import type { ArchChannel } from '../../engine/architecture/model';
import type { SystemModel } from '../../engine/model';
import type { Fact } from '../../engine/facts/facts';
import { isFunctionLike } from '../../engine/facts/analysis';
import { isOutboxTable } from '../../engine/facts/sql';
import { channelNames } from '../../engine/facts/hops';
import { consumerDelivery } from '../../engine/rules/consumerDelivery';
import type { Finding } from '../../engine/types';
import type { SystemDescription } from '../../engine/system/describe';
import { DEAD_LETTER, GUARD_CALL, MESSAGE_KEY, REQUEUE, RETRY } from './mitigations';
import { compareRefs, compareText, functionName, lineRange, refOf, sameRef, stringLiterals, uniqueSorted, type SourceLines } from './source';
import type { ChannelView, ConsumerView, DriftNote, EffectView, OutboxWrite, ProducerView, Ref, UnresolvedPublish } from './types';

export interface ChannelsResult {
  channels: ChannelView[];
  unresolved: UnresolvedPublish[];
  outboxes: OutboxWrite[];
}

export function buildChannels(model: SystemModel, described: SystemDescription, findings: Finding[], lines: SourceLines): ChannelsResult {
  const declared = new Map<string, ArchChannel>((model.architecture?.channels ?? []).map((c) => [c.name, c]));
  const inModel = new Map(described.channels.map((c) => [c.name, c]));
  const known = new Set<string>([...declared.keys(), ...inModel.keys()]);
  const channelsOf = (fact: Fact): { names: string[]; inferred: boolean } => {
    const resolved = channelNames(fact.channel);
    if (resolved.length) return { names: resolved, inferred: false };
    return { names: stringLiterals(callOf(fact.node)).filter((s) => known.has(s)).sort(compareText), inferred: true };
  };

  // Outbox relays: publishes inside a function that also reads an outbox table.
  const relays = new Map<Fact, Ref>();
  for (const f of model.facts) {
    if (f.kind === 'publish' && isRelay(model, f.node)) relays.set(f, refOf(model, f.node));
  }
  const relayOf = (service: string | undefined): Ref | undefined =>
    [...relays.entries()].filter(([f]) => model.serviceOf(f.node)?.name === service).map(([, r]) => r).sort(compareRefs)[0];

  const open = findings.filter((f) => !f.suppressed);
  const producers: ProducerView[] = [];
  const unresolved: UnresolvedPublish[] = [];
  const outboxes: OutboxWrite[] = [];

  for (const f of model.facts) {
    if (f.kind === 'write' && isOutboxTable(f.table) && !/^(UPDATE|DELETE)\b/i.test(f.detail)) {
      const service = model.serviceOf(f.node)?.name;
      const names = stringLiterals(callOf(f.node)).filter((s) => known.has(s)).sort(compareText);
      const relay = relayOf(service);
      const at = refOf(model, f.node);
      outboxes.push({ service, fn: functionName(f.node), at, channels: names, relay });
      const relayFact = [...relays.keys()].find((r) => sameRef(relays.get(r), relay));
      for (const name of names) {
        producers.push({
          channel: name, service, at, via: 'outbox', relay, inferred: true,
          correlation: relayFact?.correlation ?? 'unknown',
          keyed: relayFact ? keyOf(model, relayFact.node, lines) : undefined,
        });
      }
    }
    if (f.kind !== 'publish') continue;
    const at = refOf(model, f.node);
    const service = model.serviceOf(f.node)?.name;
    const { names, inferred } = channelsOf(f);
    if (!names.length) {
      unresolved.push({ service, at, detail: f.detail, relay: relays.has(f) });
      continue;
    }
    const dualWrite = open.find((x) => x.ruleId === 'dual-write' && (sameLine(x.location, at) || x.related.some((r) => sameLine(r, at))));
    for (const name of names) {
      producers.push({
        channel: name, service, at, via: 'publish', inferred,
        correlation: f.correlation ?? 'unknown',
        keyed: keyOf(model, f.node, lines),
        dualWrite: dualWrite ? { file: dualWrite.location.file, line: dualWrite.location.range.start.line } : undefined,
      });
    }
  }

  const consumers: ConsumerView[] = [];
  for (const f of model.facts) {
    if (f.kind !== 'consumer' || !f.handler) continue;
    for (const name of channelNames(f.channel)) consumers.push(consumerView(model, f, name, declared.get(name), open, lines, channelsOf));
  }

  const hasDeclared = declared.size > 0;
  const names = uniqueSorted([...known, ...producers.map((p) => p.channel), ...consumers.map((c) => c.channel)]);
  const channels = names.map((name): ChannelView => {
    const arch = declared.get(name);
    const modelled = inModel.get(name);
    const view: ChannelView = {
      name,
      status: arch ? 'declared' : hasDeclared ? 'code-only' : 'inferred',
      declared: arch,
      declaredAt: arch && model.architectureFile ? { file: model.architectureFile, line: arch.range.start.line } : undefined,
      broker: arch?.broker ?? (modelled?.transport || undefined),
      producerServices: modelled?.producers ?? [],
      consumerServices: modelled?.consumers ?? [],
      producers: dedupeProducers(producers.filter((p) => p.channel === name)),
      consumers: consumers.filter((c) => c.channel === name).sort((a, b) => compareText(a.service ?? '', b.service ?? '') || compareRefs(a.at, b.at)),
      drift: [],
    };
    view.drift = hasDeclared ? driftOf(view, unresolved) : [];
    return view;
  });
  unresolved.sort((a, b) => compareRefs(a.at, b.at));
  outboxes.sort((a, b) => compareRefs(a.at, b.at));
  return { channels, unresolved, outboxes };
}

/** The call a fact's node belongs to (string literals in its arguments name topics). */
function callOf(node: Node): Node {
  return Node.isCallExpression(node) || Node.isNewExpression(node) ? node : node.getFirstAncestor((a) => Node.isCallExpression(a) || Node.isNewExpression(a)) ?? node;
}

function sameLine(loc: { file: string; range: { start: { line: number } } }, at: Ref): boolean {
  return loc.file === at.file && loc.range.start.line === at.line;
}

function isRelay(model: SystemModel, node: Node): boolean {
  for (let cur = node.getParent(); cur; cur = cur.getParent()) {
    if (!isFunctionLike(cur)) continue;
    if (model.effects.of(cur).some((r) => r.fact.kind === 'read' && isOutboxTable(r.fact.table))) return true;
  }
  return false;
}

function keyOf(model: SystemModel, node: Node, lines: SourceLines): ProducerView['keyed'] {
  const [from, to] = lineRange(model, callOf(node));
  return lines.find(model.relOf(node), MESSAGE_KEY, from, to);
}

function dedupeProducers(list: ProducerView[]): ProducerView[] {
  const seen = new Set<string>();
  return list
    .sort((a, b) => compareText(a.service ?? '', b.service ?? '') || compareRefs(a.at, b.at))
    .filter((p) => {
      const k = `${p.service}|${p.at.file}|${p.at.line}|${p.via}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
}

function consumerView(
  model: SystemModel, f: Fact, channel: string, arch: ArchChannel | undefined, open: Finding[], lines: SourceLines,
  channelsOf: (fact: Fact) => { names: string[] },
): ConsumerView {
  const handler = f.handler!;
  const at = refOf(model, f.node);
  const service = model.serviceOf(f.node)?.name;
  const reached = model.effects.of(handler);
  const guard = reached.find((r) => r.fact.kind === 'guard');
  const dedupe = guard
    ? { text: guard.fact.detail, at: refOf(model, guard.fact.node) }
    : model.effects.callsNamed(handler, GUARD_CALL) ? { text: 'calls a deduplication helper', at: refOf(model, handler) } : undefined;
  const effects: EffectView[] = [];
  const seen = new Set<string>();
  for (const r of reached) {
    if (!r.fact.nonIdempotent || !['write', 'publish', 'http', 'sideEffect'].includes(r.fact.kind)) continue;
    const ref = refOf(model, r.fact.node);
    const key = `${ref.file}:${ref.line}:${r.fact.detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    effects.push({ kind: r.fact.kind, detail: r.fact.detail, at: ref });
  }
  effects.sort((a, b) => compareRefs(a.at, b.at) || compareText(a.detail, b.detail));
  const tx = reached.find((r) => r.fact.kind === 'tx');
  const follows = uniqueSorted(reached.filter((r) => r.fact.kind === 'publish').flatMap((r) => channelsOf(r.fact).names));
  // Where retry and dead-letter settings for this channel can live: the registration, the handler, and files naming the channel.
  const files = uniqueSorted([at.file, model.relOf(handler)]);
  const related = lines.files().filter((file) => !files.includes(file) && model.layout.serviceOf(file)?.name === service && lines.contains(file, `'${channel}'`));
  const search = [...files, ...related];
  const finding = open.find((x) => x.ruleId === 'non-idempotent-consumer' && sameLine(x.location, at));
  const delivery = consumerDelivery(model, f);
  return {
    channel, service, at, detail: f.detail, library: f.library,
    redelivers: delivery.redelivers, transports: delivery.transports,
    declared: !!arch && !!service && arch.consumers.includes(service),
    dedupe, effects,
    transaction: tx ? { text: tx.fact.detail, at: refOf(model, tx.fact.node) } : undefined,
    follows,
    retry: lines.findIn(search, RETRY),
    requeue: lines.findIn(search, REQUEUE),
    deadLetter: lines.findIn(search, DEAD_LETTER),
    unguardedFinding: finding ? at : undefined,
  };
}

function driftOf(view: ChannelView, unresolved: UnresolvedPublish[]): DriftNote[] {
  const notes: DriftNote[] = [];
  const first = view.producers[0]?.at ?? view.consumers[0]?.at;
  const arch = view.declared;
  if (!arch) {
    notes.push({ text: `\`${view.name}\` is used in code but not declared in the architecture file`, at: first });
    return notes;
  }
  if (!view.producers.length && !view.consumers.length) {
    notes.push({ text: `\`${view.name}\` is declared but no publish or handler for it was found in code`, at: view.declaredAt });
    return notes;
  }
  if (arch.producer) {
    const mine = view.producers.filter((p) => p.service === arch.producer);
    if (!mine.length) {
      const dynamic = unresolved.filter((u) => u.service === arch.producer);
      notes.push({
        text: `declared producer "${arch.producer}": no publish to \`${view.name}\` found in code` +
          (dynamic.length ? ` (it has ${dynamic.length} publish call${dynamic.length > 1 ? 's' : ''} whose topic the analysis cannot resolve)` : ''),
        at: dynamic[0]?.at ?? view.declaredAt,
      });
    }
  }
  for (const p of view.producers) {
    if (arch.producer && p.service && p.service !== arch.producer) {
      notes.push({ text: `published by "${p.service}" in code, but the declared producer is "${arch.producer}"`, at: p.at });
    } else if (!arch.producer && p.service) {
      notes.push({ text: `published by "${p.service}" in code; no producer is declared`, at: p.at });
    }
  }
  for (const c of arch.consumers) {
    if (!view.consumers.some((x) => x.service === c)) {
      notes.push({ text: `declared consumer "${c}": no handler for \`${view.name}\` found in code`, at: view.declaredAt });
    }
  }
  for (const c of view.consumers) {
    if (c.service && !arch.consumers.includes(c.service)) {
      notes.push({ text: `consumed by "${c.service}" in code, but "${c.service}" is not a declared consumer`, at: c.at });
    }
  }
  return notes;
}
