/**
 * Cross-reference checks the JSON Schema cannot express: names of services
 * used elsewhere in the file, rule ids, and services claiming the same code.
 * They work on the YAML tree, so a reference inside an entry the model drops
 * (for instance a datastore with an invalid kind) is still checked.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { ArchitectureProblem } from './model';
import { closest, quotedList } from './suggest';
import { asMap, entries, field, nodeRange, stringField, stringItems } from './yamlNodes';
import type { SourceContext, StringItem } from './yamlNodes';

/** Rule ids the analyzer ships; keys of the `rules` section must be one of them. */
export const KNOWN_RULE_IDS: readonly string[] = [
  'non-idempotent-consumer',
  'missing-correlation-id',
  'shared-database',
  'unjustified-two-phase-commit',
  'unjustified-distributed-lock',
  'dual-write',
  'invalid-architecture',
  'unexplained-suppression',
];

function listForHint(values: readonly string[], max = 10): string {
  if (values.length <= max) return quotedList(values);
  return `${values.slice(0, max).map((v) => `"${v}"`).join(', ')} and ${values.length - max} more`;
}

interface Reference {
  /** `Owner`, `Consumer`... */
  role: string;
  /** `datastore "orders-db"` */
  of: string;
  item: StringItem;
}

function collectReferences(ctx: SourceContext, root: YAMLMap): Reference[] {
  const refs: Reference[] = [];
  const single = (map: YAMLMap, name: string, role: string, of: string) => {
    for (const item of singleString(ctx, map, name)) refs.push({ role, of, item });
  };
  const many = (map: YAMLMap, name: string, role: string, of: string) => {
    for (const item of stringItems(ctx, field(ctx, map, name)) ?? []) refs.push({ role, of, item });
  };
  const section = (name: string) => {
    const map = asMap(field(ctx, root, name)?.value ?? null);
    return map ? entries(ctx, map) : [];
  };

  for (const entry of section('datastores')) {
    const map = asMap(entry.value);
    if (map) single(map, 'owner', 'Owner', `datastore "${entry.name}"`);
  }
  for (const entry of section('channels')) {
    const map = asMap(entry.value);
    if (!map) continue;
    single(map, 'producer', 'Producer', `channel "${entry.name}"`);
    many(map, 'consumers', 'Consumer', `channel "${entry.name}"`);
  }
  for (const entry of section('apis')) {
    const map = asMap(entry.value);
    if (!map) continue;
    single(map, 'provider', 'Provider', `API "${entry.name}"`);
    many(map, 'consumers', 'Consumer', `API "${entry.name}"`);
  }
  for (const entry of section('workflows')) {
    const map = asMap(entry.value);
    const steps = map ? field(ctx, map, 'steps')?.value ?? null : null;
    if (!isSeq(steps)) continue;
    steps.items.forEach((step, index) => {
      if (!isMap(step)) return;
      const stepName = stringField(ctx, step, 'name');
      const label = stepName !== undefined ? `step "${stepName}"` : `step ${index + 1}`;
      single(step, 'service', 'Service', `${label} of workflow "${entry.name}"`);
    });
  }
  const decisions = field(ctx, root, 'decisions')?.value ?? null;
  if (isSeq(decisions)) {
    decisions.items.forEach((decision, index) => {
      if (!isMap(decision)) return;
      const flow = stringField(ctx, decision, 'flow');
      many(decision, 'services', 'Service', flow !== undefined ? `the decision on flow "${flow}"` : `decision ${index + 1}`);
    });
  }
  return refs;
}

/** A field that must be a single string (a wrong type is the schema's business). */
function singleString(ctx: SourceContext, map: YAMLMap, name: string): StringItem[] {
  const entry = field(ctx, map, name);
  if (!entry || !isScalar(entry.value) || typeof entry.value.value !== 'string' || entry.value.value === '') return [];
  return [{ value: entry.value.value, node: entry.written ?? entry.value }];
}

/** Names declared under `services:`, including entries the model may drop for other reasons. */
export function declaredServiceNames(ctx: SourceContext, root: YAMLMap): string[] {
  const services = asMap(field(ctx, root, 'services')?.value ?? null);
  return services ? entries(ctx, services).map((e) => e.name) : [];
}

export function checkReferences(ctx: SourceContext, root: YAMLMap, ruleIds: readonly string[]): ArchitectureProblem[] {
  const problems: ArchitectureProblem[] = [];
  const services = declaredServiceNames(ctx, root);
  const known = new Set(services);
  for (const ref of collectReferences(ctx, root)) {
    if (known.has(ref.item.value)) continue;
    const name = ref.item.value;
    const suggestion = closest(name, services);
    let hint: string;
    if (services.length === 0) {
      hint = `Declare it under services:, e.g. services: {${name}: {paths: [services/${name}]}}.`;
    } else if (suggestion !== undefined) {
      hint = `Did you mean "${suggestion}"? Declared services: ${listForHint(services)}.`;
    } else {
      hint = `Declare "${name}" under services:, or use one of the declared services: ${listForHint(services)}.`;
    }
    problems.push({
      messageId: 'unknownReference',
      message: `${ref.role} "${name}" of ${ref.of} is not a declared service.`,
      hint,
      range: nodeRange(ctx, ref.item.node),
    });
  }

  const rules = asMap(field(ctx, root, 'rules')?.value ?? null);
  if (rules) {
    const knownRules = new Set(ruleIds);
    for (const entry of entries(ctx, rules)) {
      if (knownRules.has(entry.name)) continue;
      const suggestion = closest(entry.name, ruleIds);
      problems.push({
        messageId: 'unknownReference',
        message: `Unknown rule "${entry.name}".`,
        hint: suggestion !== undefined
          ? `Did you mean "${suggestion}"? Known rules: ${listForHint(ruleIds, 20)}.`
          : `Use one of the known rule ids: ${listForHint(ruleIds, 20)}.`,
        range: nodeRange(ctx, entry.key),
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Overlapping service paths

interface ServicePath {
  /** Normalised: forward slashes, no leading `./`, no trailing `/` or `/**`; `''` is the root. */
  path: string;
  glob: RegExp | undefined;
  /** Literal folders before the first glob segment. */
  base: string;
}

const GLOB_CHARS = /[*?[\]{}!]/;

/** `services/orders/`, `./services/orders/**` → `services/orders`. Exported for the model builder. */
export function normaliseServicePath(raw: string): string {
  let path = raw.trim().replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  while (path.startsWith('./')) path = path.slice(2);
  if (path === '.' || path === '/') return '';
  for (;;) {
    const before = path;
    path = path.replace(/\/+$/, '').replace(/\/\*\*(\/\*)?$/, '').replace(/\/\.$/, '');
    if (path === before) break;
  }
  return path === '.' || path === '**' ? '' : path;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        source += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (c === '?') {
      source += '[^/]';
    } else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) { source += '\\{'; continue; }
      source += `(?:${glob.slice(i + 1, close).split(',').map((s) => s.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
      i = close;
    } else if (c === '[') {
      const close = glob.indexOf(']', i);
      if (close < 0) { source += '\\['; continue; }
      source += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = close;
    } else {
      source += c.replace(/[.+^$()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function servicePath(raw: string): ServicePath {
  const path = normaliseServicePath(raw);
  if (!GLOB_CHARS.test(path)) return { path, glob: undefined, base: path };
  const segments = path.split('/');
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  return { path, glob: globToRegExp(path), base: segments.slice(0, firstGlob).join('/') };
}

const inside = (child: string, parent: string) => parent === '' || child === parent || child.startsWith(`${parent}/`);

/** Does literal path `literal` lie in (or contain) what `glob` matches? */
function globTouches(glob: ServicePath, literal: string): boolean {
  const segments = literal === '' ? [] : literal.split('/');
  for (let n = 1; n <= segments.length; n++) {
    if (glob.glob!.test(segments.slice(0, n).join('/'))) return true;
  }
  // Everything the glob matches lies inside `literal` (`literal` may be the root).
  return inside(glob.base, literal);
}

/** How `b` overlaps `a`, in words, or undefined. Only reports what is certain. */
function overlap(a: ServicePath, b: ServicePath): string | undefined {
  if (a.path === b.path) return 'same';
  if (!a.glob && !b.glob) {
    if (inside(b.path, a.path)) return 'b-in-a';
    if (inside(a.path, b.path)) return 'a-in-b';
    return undefined;
  }
  if (a.glob && b.glob) return undefined;
  const [glob, literal] = a.glob ? [a, b] : [b, a];
  return globTouches(glob, literal.path) ? 'touch' : undefined;
}

export function checkOverlappingPaths(ctx: SourceContext, root: YAMLMap): ArchitectureProblem[] {
  const services = asMap(field(ctx, root, 'services')?.value ?? null);
  if (!services) return [];
  const claimed: { service: string; raw: string; path: ServicePath }[] = [];
  const problems: ArchitectureProblem[] = [];
  for (const entry of entries(ctx, services)) {
    const map = asMap(entry.value);
    if (!map) continue;
    const items = stringItems(ctx, field(ctx, map, 'paths')) ?? [];
    const own: typeof claimed = [];
    for (const item of items) {
      const path = servicePath(item.value);
      const clash = claimed.find((c) => overlap(c.path, path) !== undefined);
      if (clash) {
        const how = overlap(clash.path, path);
        const detail = how === 'same'
          ? `both claim "${item.value}"`
          : how === 'b-in-a'
            ? `"${item.value}" is inside "${clash.raw}"`
            : how === 'a-in-b'
              ? `"${clash.raw}" is inside "${item.value}"`
              : `"${item.value}" and "${clash.raw}" match the same files`;
        problems.push({
          messageId: 'overlappingPaths',
          message: `Services "${clash.service}" and "${entry.name}" overlap: ${detail}.`,
          hint: 'Give each service its own folder, or narrow one of the paths so every file belongs to exactly one service.',
          range: nodeRange(ctx, item.node as Node),
        });
      }
      own.push({ service: entry.name, raw: item.value, path });
    }
    claimed.push(...own);
  }
  return problems;
}
