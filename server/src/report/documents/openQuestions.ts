/** open-questions.md: what the architecture file does not yet say, so the gaps are explicit. */
import { code, document, heading, text } from '../markdown';
import type { Ref, Topology } from '../topology/types';
import type { DocContext } from './context';
import { channelName } from './format';

export interface Question {
  topic: 'Architecture file' | 'Services' | 'Datastores' | 'Channels' | 'Synchronous APIs' | 'Workflows' | 'Decisions';
  text: string;
  at?: Ref;
}

const TOPICS: Question['topic'][] = ['Architecture file', 'Services', 'Datastores', 'Channels', 'Synchronous APIs', 'Workflows', 'Decisions'];
const CHANNEL_FIELDS = [
  ['producer', 'no producer declared'],
  ['delivery', 'delivery guarantee not declared'],
  ['ordering', 'ordering not declared (is per-key order needed, or is any order fine?)'],
  ['idempotencyKey', 'idempotency key not declared (which field identifies a message for deduplication?)'],
  ['correlation', 'correlation id location not declared'],
  ['versioning', 'no versioning rule (how does the message evolve without breaking consumers?)'],
] as const;

export function collectQuestions(t: Topology): Question[] {
  const q: Question[] = [];
  if (!t.architectureFile) {
    q.push({ topic: 'Architecture file', text: 'There is no architecture file: services, datastores and channels are inferred, and no decision, owner or contract is recorded. Add `architecture.yaml` at the workspace root.' });
  } else if (t.architectureProblems) {
    q.push({ topic: 'Architecture file', text: `The architecture file has ${t.architectureProblems} problem${t.architectureProblems > 1 ? 's' : ''} (see the invalid-architecture findings); parts of it may have been ignored.`, at: { file: t.architectureFile, line: 1 } });
  }
  for (const s of t.services) {
    if (s.inferred) continue;
    if (!s.owner) q.push({ topic: 'Services', text: `Service "${s.name}" has no owner team.`, at: s.declaredAt });
    if (!s.why) q.push({ topic: 'Services', text: `Service "${s.name}" does not record why it is a separate service (team ownership, scaling, fault isolation...).`, at: s.declaredAt });
  }
  for (const d of t.datastores) {
    if (d.inferred) q.push({ topic: 'Datastores', text: `Datastore ${code(d.name)} is used in code but not declared: who owns it?`, at: d.uses[0]?.at });
    else if (!d.owner) q.push({ topic: 'Datastores', text: `Datastore "${d.name}" has no owner.`, at: d.declaredAt });
    for (const u of d.uses) {
      if (u.role === 'foreign') q.push({ topic: 'Datastores', text: `Service "${u.service}" uses "${d.name}", owned by "${d.owner}": should it get this data through an API or events instead?`, at: u.at });
      if (u.role === 'shared') q.push({ topic: 'Datastores', text: `"${d.name}" is used by several services and owned by none: which one owns it?`, at: u.at });
    }
  }
  if (t.datastores.length) q.push({ topic: 'Datastores', text: 'How is each datastore replicated and failed over (single leader with replicas, multi-region...)? The architecture file cannot record it yet, and the code does not show it.' });
  for (const ch of t.channels) {
    const d = ch.declared;
    if (!d) {
      q.push({ topic: 'Channels', text: `${channelName(ch.name)} is not declared: record its producer, consumers, delivery, ordering, idempotency key and correlation.`, at: ch.producers[0]?.at ?? ch.consumers[0]?.at });
      continue;
    }
    for (const [field, message] of CHANNEL_FIELDS) {
      if (!d[field]) q.push({ topic: 'Channels', text: `${channelName(ch.name)}: ${message}.`, at: ch.declaredAt });
    }
    if (!d.consumers.length) q.push({ topic: 'Channels', text: `${channelName(ch.name)}: no consumers declared.`, at: ch.declaredAt });
    for (const n of ch.drift) q.push({ topic: 'Channels', text: `${channelName(ch.name)}: ${n.text}. Is the architecture file or the code out of date?`, at: n.at });
  }
  for (const u of t.unresolvedPublishes) {
    const explained = t.channels.some((ch) => ch.drift.some((n) => n.at && n.at.file === u.at.file && n.at.line === u.at.line));
    if (!u.relay && !explained) q.push({ topic: 'Channels', text: `Which channel does ${code(u.detail)} publish to? The name is computed at run time.`, at: u.at });
  }
  for (const a of t.apis) {
    if (!a.declared) q.push({ topic: 'Synchronous APIs', text: `Calls to ${code(a.name)} are not declared as an API: record its provider, consumers and timeout.`, at: a.calls[0]?.at });
    else if (a.timeoutMs === undefined) q.push({ topic: 'Synchronous APIs', text: `API ${code(a.name)} has no timeout declared.`, at: a.declaredAt });
    for (const c of a.calls) {
      if (!c.timeout) q.push({ topic: 'Synchronous APIs', text: `No timeout found for ${code(c.detail)}: what is its budget?`, at: c.at });
      const codeMs = c.timeout ? millis(c.timeout.text) : undefined;
      if (a.timeoutMs !== undefined && codeMs !== undefined && codeMs !== a.timeoutMs) {
        q.push({ topic: 'Synchronous APIs', text: `${code(a.name)}: declared timeout ${a.timeoutMs} ms, code uses ${code(c.timeout!.text)}. Which one is right?`, at: c.timeout!.at });
      }
    }
  }
  for (const w of t.workflows) {
    if (!w.kind) q.push({ topic: 'Workflows', text: `Workflow "${w.name}": orchestration or choreography?`, at: w.at });
    for (const s of w.steps) {
      if (!s.compensation) q.push({ topic: 'Workflows', text: `Workflow "${w.name}", step "${s.name}": no compensation declared. What undoes it when a later step fails?`, at: s.at });
      else if (!s.compensationAt) q.push({ topic: 'Workflows', text: `Workflow "${w.name}", step "${s.name}": compensation ${code(s.compensation)} was not found in ${s.service ? `service "${s.service}"` : 'the code'}.`, at: s.at });
      if (s.action && !s.actionAt) q.push({ topic: 'Workflows', text: `Workflow "${w.name}", step "${s.name}": action ${code(s.action)} was not found in ${s.service ? `service "${s.service}"` : 'the code'}.`, at: s.at });
      if (!s.service) q.push({ topic: 'Workflows', text: `Workflow "${w.name}", step "${s.name}": which service runs it?`, at: s.at });
    }
  }
  for (const d of t.decisions) {
    if (!d.justification) q.push({ topic: 'Decisions', text: `Decision "${d.flow}" (${d.pattern}) has no justification.`, at: d.at });
    if (!d.consistency) q.push({ topic: 'Decisions', text: `Decision "${d.flow}" does not say whether the flow needs strong or eventual consistency.`, at: d.at });
  }
  for (const c of t.coordination) {
    if (!c.justifiedBy) q.push({ topic: 'Decisions', text: `${c.pattern === 'two-phase-commit' ? 'Two-phase commit' : 'Distributed lock'} in ${code(c.fn)} has no recorded justification: justify it in the architecture file or replace it${c.pattern === 'two-phase-commit' ? ' (saga, outbox)' : ' (conditional write, single-writer partition)'}.`, at: c.at });
  }
  return q;
}

function millis(s: string): number | undefined {
  const m = /(\d[\d_]*)/.exec(s);
  return m ? Number(m[1].replace(/_/g, '')) : undefined;
}

export function renderOpenQuestions(ctx: DocContext, questions: Question[]): string {
  const { t, link } = ctx;
  return document([
    heading(1, `Open questions: ${text(t.system)}`),
    'What the architecture file does not yet say, or where it and the code disagree. Each answer belongs in the architecture file (or in the code), so the next report has one question fewer.',
    ...TOPICS.filter((topic) => questions.some((x) => x.topic === topic)).map((topic) => [
      heading(2, topic),
      questions.filter((x) => x.topic === topic).map((x) => `- ${x.text}${x.at ? ` (${link.ref(x.at)})` : ''}`).join('\n'),
    ].join('\n\n')),
    questions.length ? undefined : '_No open questions._',
  ]);
}
