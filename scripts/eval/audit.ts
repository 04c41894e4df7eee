/**
 * Precision audits of all findings, not only labelled lines.
 *
 * `--audit <n>` draws a seeded random sample of n findings from a split's output and writes an audit
 * file whose entries a reviewer fills in (verdict true / false / unclear, and a reason) by reading the
 * code. `--audit-score` reads the filled files and prints precision per rule. Every eval run also
 * compares its findings with filled audits of the same commits: known false alarms still reported and
 * known true findings that disappeared are listed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusDir, type CorpusRepo } from './corpus';
import type { RepoRun } from './runner';
import { covers } from './score';

export type Verdict = 'true' | 'false' | 'unclear';

export interface AuditEntry {
  repo: string;
  repository: string;
  commit: string;
  rule: string;
  file: string;
  line: number;
  message: string;
  verdict: Verdict | null;
  reason: string;
}

export interface AuditFile {
  description: string;
  created: string;
  engineCommit: string;
  split: string;
  seed: number;
  entries: AuditEntry[];
}

export const auditDir = path.join(corpusDir, 'audits');

/** mulberry32: a small seeded generator, so a sample can be drawn again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], next: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * n findings at random: each rule with findings gets at least min(5, its count) so that every rule's
 * precision can be read, the rest are drawn uniformly from the remaining findings.
 */
export function drawSample(runs: RepoRun[], repos: CorpusRepo[], n: number, seed: number): AuditEntry[] {
  const meta = new Map(repos.map((r) => [r.name, r]));
  const all = runs.filter((r) => r.ok).flatMap((run) => run.findings.map((f) => ({ run, f })))
    .sort((a, b) => `${a.run.name}\0${a.f.file}\0${a.f.line}\0${a.f.ruleId}`.localeCompare(`${b.run.name}\0${b.f.file}\0${b.f.line}\0${b.f.ruleId}`));
  const next = random(seed);
  const byRule = new Map<string, typeof all>();
  for (const x of all) byRule.set(x.f.ruleId, [...(byRule.get(x.f.ruleId) ?? []), x]);
  const chosen = new Set<(typeof all)[number]>();
  for (const rule of [...byRule.keys()].sort()) {
    for (const x of shuffle(byRule.get(rule)!, next).slice(0, Math.min(5, n))) chosen.add(x);
  }
  for (const x of shuffle(all.filter((x) => !chosen.has(x)), next)) {
    if (chosen.size >= n) break;
    chosen.add(x);
  }
  return [...chosen].slice(0, Math.max(n, 0)).map(({ run, f }) => ({
    repo: run.name,
    repository: meta.get(run.name)?.repo ?? '',
    commit: meta.get(run.name)?.commit ?? '',
    rule: f.ruleId,
    file: f.file,
    line: f.line,
    message: f.message,
    verdict: null,
    reason: '',
  })).sort((a, b) => a.rule.localeCompare(b.rule) || a.repo.localeCompare(b.repo) || a.file.localeCompare(b.file) || a.line - b.line);
}

/**
 * Carries verdicts over from earlier filled audits: an entry at the same repository commit, rule, file
 * and line (exactly) as an audited finding takes its verdict, with the reason prefixed by where it came
 * from, so that a reviewer re-reads only what is new. The newest audit that read the same message
 * decides; when none did, the entry is kept open for the reviewer with the newest earlier reading
 * (the finding may claim something else now).
 */
export function carryVerdicts(entries: AuditEntry[], earlier: { file: string; audit: AuditFile }[]): number {
  let carried = 0;
  // The newest audit first; one that read the same message wins over a newer one that read another.
  const newestFirst = [...earlier].reverse();
  for (const e of entries) {
    const matches = newestFirst.flatMap(({ file, audit }) => audit.entries
      .filter((o) => o.verdict && o.repo === e.repo && o.commit === e.commit && o.rule === e.rule && o.file === e.file && o.line === e.line)
      .map((old) => ({ file, old })));
    const found = matches.find(({ old }) => sameClaim(old.message, e.message)) ?? matches[0];
    if (!found) continue;
    const { file, old } = found;
    const same = sameClaim(old.message, e.message);
    e.verdict = same ? old.verdict : null;
    const first = firstReading(old.reason);
    const origin = first.file && first.file !== path.basename(file) ? ` (first read in ${first.file})` : '';
    e.reason = `${same ? '' : 'message changed since; earlier '}verdict ${old.verdict} in ${path.basename(file)}${origin}: ${first.reason}`;
    carried++;
  }
  return carried;
}

/**
 * Two messages that make the same claim: equal, or equal but for wording that only names what the code
 * shows and changes no claim (missing-correlation-id's note on the entity ids a message carries, added in
 * session 42: `(only \`orderId\`, which names the entity it acts on, not the flow)`).
 */
export function sameClaim(a: string, b: string): boolean {
  return a === b || withoutNotes(a) === withoutNotes(b);
}

const ENTITY_NOTE = / \(only [^()]*?, which names? the entit(?:y|ies) it acts on, not the flow\)/g;
const withoutNotes = (message: string) => message.replace(ENTITY_NOTE, '');

/** One carried prefix (`verdict false in a.json: `, `verdict true in b.json (first read in a.json): `, with its variants). */
const CARRIED = /^(?:re-checked, kept: )?(?:message changed since; earlier )?verdict \w+ in (\S+?\.json)(?: \(first read in (\S+?\.json)\))?: /;

/**
 * The reviewer's own reason under the prefixes of earlier carries, and the audit that first read it:
 * a verdict carried session after session keeps one prefix, not one per session.
 */
function firstReading(reason: string): { reason: string; file?: string } {
  let text = reason;
  let file: string | undefined;
  for (let m = CARRIED.exec(text); m; m = CARRIED.exec(text)) {
    file = m[2] ?? m[1];
    text = text.slice(m[0].length);
  }
  return { reason: text, file };
}

export function writeAudit(file: string, audit: AuditFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(audit, null, 2)}\n`);
}

export function loadAudits(files?: string[]): { file: string; audit: AuditFile }[] {
  const list = files?.length ? files : fs.existsSync(auditDir)
    ? fs.readdirSync(auditDir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(auditDir, f)) : [];
  return list.map((file) => ({ file, audit: JSON.parse(fs.readFileSync(file, 'utf8')) as AuditFile }));
}

export interface AuditScore {
  rule: string;
  true: number;
  false: number;
  unclear: number;
  open: number;
  precision?: number;
}

export function scoreAudits(entries: AuditEntry[]): AuditScore[] {
  const byRule = new Map<string, AuditScore>();
  for (const e of entries) {
    let s = byRule.get(e.rule);
    if (!s) byRule.set(e.rule, (s = { rule: e.rule, true: 0, false: 0, unclear: 0, open: 0 }));
    if (e.verdict === 'true') s.true++;
    else if (e.verdict === 'false') s.false++;
    else if (e.verdict === 'unclear') s.unclear++;
    else s.open++;
  }
  for (const s of byRule.values()) s.precision = s.true + s.false ? s.true / (s.true + s.false) : undefined;
  return [...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule));
}

export interface KnownVerdictChanges {
  falseStillReported: AuditEntry[];
  trueGone: AuditEntry[];
}

/** Filled audit entries of the analysed repositories at their pinned commits, against today's findings. */
export function compareWithAudits(entries: AuditEntry[], runs: RepoRun[], repos: CorpusRepo[]): KnownVerdictChanges {
  const commit = new Map(repos.map((r) => [r.name, r.commit]));
  const runOf = new Map(runs.filter((r) => r.ok).map((r) => [r.name, r]));
  const out: KnownVerdictChanges = { falseStillReported: [], trueGone: [] };
  for (const e of entries) {
    const run = runOf.get(e.repo);
    if (!run || commit.get(e.repo) !== e.commit) continue;
    const reported = run.findings.some((f) => covers(e, f));
    if (e.verdict === 'false' && reported) out.falseStillReported.push(e);
    if (e.verdict === 'true' && !reported) out.trueGone.push(e);
  }
  return out;
}
