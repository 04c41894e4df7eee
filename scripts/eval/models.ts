/**
 * Scores the engine's system model (`distributed-patterns model`) against the expected models in
 * test/corpus/models/<name>.json (LABELLING.md, "Expected system models"):
 *
 * - deployables: an engine service is a true positive when its root folder is an expected
 *   service's root (both repository-relative, `./` and trailing `/` dropped, case kept); a service
 *   left unmatched by root is then matched by name (lower case, only letters and digits, so
 *   `zro-users` = `zroUsers`) to an unmatched expected service; `notServices` count as absent.
 * - shared-datastore pairs: unordered pairs of services that one datastore's `usedBy` lists
 *   together; services are compared through the matching above (an unmatched engine service keeps
 *   its own identity, so a pair naming it is a false positive).
 * - channel pairs: ordered producer→consumer service pairs over all channels (a service's own
 *   queue is the pair service→service); channel names are not compared, only who talks to whom.
 *
 * The expected files are read tolerantly: extra fields are ignored, a service without a root
 * falls back to its name, missing lists are empty.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusDir } from './corpus';

export interface ModelShape {
  services?: { name?: string; root?: string }[];
  datastores?: { usedBy?: string[] }[];
  channels?: { producers?: string[]; consumers?: string[] }[];
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface ModelScore {
  deployables: Counts;
  sharedPairs: Counts;
  channelPairs: Counts;
  /** What was missed and what was extra, for reading. */
  notes: { deployables: { missed: string[]; extra: string[] }; sharedPairs: { missed: string[]; extra: string[] }; channelPairs: { missed: string[]; extra: string[] } };
}

export const modelsDir = path.join(corpusDir, 'models');

export function expectedModelFile(name: string): string | undefined {
  const file = path.join(modelsDir, `${name}.json`);
  return fs.existsSync(file) ? file : undefined;
}

export function loadExpectedModel(name: string): ModelShape | undefined {
  const file = expectedModelFile(name);
  return file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ModelShape) : undefined;
}

const normRoot = (root: string) => root.trim().replace(/^\.\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
const normName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Scores one repository's engine model against its expected model. */
export function scoreModel(expected: ModelShape, actual: ModelShape): ModelScore {
  const exp = (expected.services ?? []).map((s) => ({ name: s.name ?? '', root: normRoot(s.root ?? s.name ?? '') }));
  const act = (actual.services ?? []).map((s) => ({ name: s.name ?? '', root: normRoot(s.root ?? s.name ?? '') }));
  // Canonical identity of every service: the expected root it matches, else its own.
  const actualId = new Map<string, string>();
  const matched = new Set<number>();
  for (const a of act) {
    const i = exp.findIndex((e, j) => !matched.has(j) && e.root === a.root);
    if (i >= 0) {
      matched.add(i);
      actualId.set(a.name, `root:${exp[i].root}`);
    }
  }
  for (const a of act) {
    if (actualId.has(a.name)) continue;
    const i = exp.findIndex((e, j) => !matched.has(j) && normName(e.name) === normName(a.name));
    if (i >= 0) {
      matched.add(i);
      actualId.set(a.name, `root:${exp[i].root}`);
    } else actualId.set(a.name, `engine:${a.root}`);
  }
  const expectedId = new Map(exp.map((e) => [e.name, `root:${e.root}`]));
  const idOfExpected = (name: string) => expectedId.get(name) ?? `name:${normName(name)}`;
  const idOfActual = (name: string) => actualId.get(name) ?? `name:${normName(name)}`;

  const deployables = compareSets(new Set(exp.map((e) => `root:${e.root}`)), new Set(act.map((a) => actualId.get(a.name)!)));
  const sharedPairs = compareSets(sharedPairsOf(expected, idOfExpected), sharedPairsOf(actual, idOfActual));
  const channelPairs = compareSets(channelPairsOf(expected, idOfExpected), channelPairsOf(actual, idOfActual));
  return {
    deployables: deployables.counts, sharedPairs: sharedPairs.counts, channelPairs: channelPairs.counts,
    notes: { deployables: deployables.notes, sharedPairs: sharedPairs.notes, channelPairs: channelPairs.notes },
  };
}

function sharedPairsOf(model: ModelShape, id: (name: string) => string): Set<string> {
  const out = new Set<string>();
  for (const d of model.datastores ?? []) {
    const users = [...new Set((d.usedBy ?? []).map(id))].sort();
    for (let i = 0; i < users.length; i++) for (let j = i + 1; j < users.length; j++) out.add(`${users[i]} + ${users[j]}`);
  }
  return out;
}

function channelPairsOf(model: ModelShape, id: (name: string) => string): Set<string> {
  const out = new Set<string>();
  for (const c of model.channels ?? []) {
    for (const p of c.producers ?? []) for (const q of c.consumers ?? []) out.add(`${id(p)} -> ${id(q)}`);
  }
  return out;
}

function compareSets(expected: Set<string>, actual: Set<string>): { counts: Counts; notes: { missed: string[]; extra: string[] } } {
  const missed = [...expected].filter((x) => !actual.has(x)).sort();
  const extra = [...actual].filter((x) => !expected.has(x)).sort();
  return { counts: { tp: actual.size - extra.length, fp: extra.length, fn: missed.length }, notes: { missed, extra } };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn };
}

const ratio = (n: number, d: number) => (d ? (n / d).toFixed(2) : 'n/a');

export function formatCounts(c: Counts): string {
  return `P ${ratio(c.tp, c.tp + c.fp)} R ${ratio(c.tp, c.tp + c.fn)} (TP ${c.tp} FP ${c.fp} FN ${c.fn})`;
}

/** Prints per-repository and split totals; `verbose` lists the missed and extra entries. */
export function printModelScores(title: string, scores: { name: string; score: ModelScore }[], verbose = false): void {
  if (!scores.length) return;
  const zero = { tp: 0, fp: 0, fn: 0 };
  const total = { deployables: { ...zero }, sharedPairs: { ...zero }, channelPairs: { ...zero } };
  console.log(`\nSystem model, ${title} (${scores.length} expected models; services matched by root folder, then by name)`);
  for (const { name, score } of scores) {
    for (const k of ['deployables', 'sharedPairs', 'channelPairs'] as const) total[k] = addCounts(total[k], score[k]);
    console.log(`  ${name.padEnd(32)} deployables ${formatCounts(score.deployables)} | shared ${formatCounts(score.sharedPairs)} | channels ${formatCounts(score.channelPairs)}`);
    if (!verbose) continue;
    for (const k of ['deployables', 'sharedPairs', 'channelPairs'] as const) {
      const n = score.notes[k];
      if (n.missed.length) console.log(`      ${k} missed: ${n.missed.join('; ')}`);
      if (n.extra.length) console.log(`      ${k} extra:  ${n.extra.join('; ')}`);
    }
  }
  console.log(`  deployables            ${formatCounts(total.deployables)}`);
  console.log(`  shared-datastore pairs ${formatCounts(total.sharedPairs)}`);
  console.log(`  producer→consumer pairs ${formatCounts(total.channelPairs)}`);
}
