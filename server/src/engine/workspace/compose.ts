/** docker-compose files: services, their build folders and environment. */
import * as path from 'node:path';
import { yamlOverBudget } from '../architecture/yamlBudget';
import { parseDocument, LineCounter, isAlias, isMap, isSeq, isScalar, type Document, type Node as YamlNode, type YAMLMap } from 'yaml';

export interface ComposeService {
  name: string;
  /** Compose file (root-relative). */
  file: string;
  line: number;
  /** Build context folder, root-relative, when the service is built from the workspace. */
  context?: string;
  /** Dockerfile the build uses (root-relative), when the compose file names one. */
  dockerfile?: string;
  image?: string;
  environment: Map<string, { value: string; line: number }>;
  envFiles: string[];
  /** Values of `build.args` (`SERVICE: orders`: one Dockerfile building the package a service names). */
  buildArgs: string[];
}

export function parseCompose(text: string, rel: string): ComposeService[] {
  // A document over the alias or size limits would take seconds to build; it is skipped like an unparsable one.
  if (yamlOverBudget(text)) return [];
  const lineCounter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  } catch {
    return [];
  }
  const services = doc.get('services', true) as unknown;
  if (!isMap(services)) return [];
  const dir = path.posix.dirname(rel);
  const out: ComposeService[] = [];
  for (const pair of services.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value = pair.value as YamlNode | null;
    if (!name || !isMap(value)) continue;
    const line = lineOf(pair.key as YamlNode, lineCounter);
    const svc: ComposeService = { name, file: rel, line, environment: new Map(), envFiles: [], buildArgs: [] };
    const build = value.get('build', true) as unknown;
    if (isScalar(build)) svc.context = contextRel(dir, String(build.value));
    else if (isMap(build)) {
      const ctx = build.get('context');
      svc.context = contextRel(dir, typeof ctx === 'string' ? ctx : '.');
      const dockerfile = build.get('dockerfile');
      if (svc.context !== undefined && typeof dockerfile === 'string' && !dockerfile.includes('$')) svc.dockerfile = joinRel(svc.context === '.' ? '' : svc.context, dockerfile);
      const args = deref(build.get('args', true), doc);
      if (isMap(args)) for (const item of args.items) if (isScalar(item.value) && item.value.value !== null) svc.buildArgs.push(String(item.value.value));
      if (isSeq(args)) for (const item of args.items) if (isScalar(item) && String(item.value).includes('=')) svc.buildArgs.push(String(item.value).slice(String(item.value).indexOf('=') + 1));
    }
    const image = value.get('image');
    if (typeof image === 'string') svc.image = image;
    const env = deref(value.get('environment', true), doc);
    if (isMap(env)) {
      for (const item of mergedItems(env, doc)) {
        if (isScalar(item.key)) {
          const v = isScalar(item.value) ? String(item.value.value ?? '') : '';
          svc.environment.set(String(item.key.value), { value: v, line: lineOf(item.key as YamlNode, lineCounter) });
        }
      }
    } else if (isSeq(env)) {
      for (const item of env.items) {
        if (!isScalar(item)) continue;
        const s = String(item.value);
        const eq = s.indexOf('=');
        if (eq > 0) svc.environment.set(s.slice(0, eq), { value: s.slice(eq + 1), line: lineOf(item as YamlNode, lineCounter) });
      }
    }
    const envFile = value.get('env_file', true) as unknown;
    if (isScalar(envFile)) svc.envFiles.push(joinRel(dir, String(envFile.value)));
    else if (isSeq(envFile)) {
      for (const item of envFile.items) {
        if (isScalar(item)) svc.envFiles.push(joinRel(dir, String(item.value)));
        else if (isMap(item) && typeof item.get('path') === 'string') svc.envFiles.push(joinRel(dir, String(item.get('path'))));
      }
    }
    out.push(svc);
  }
  return out;
}

/**
 * A build context, root-relative. `${PWD}` is where compose runs, taken as the workspace root; a
 * context built from other variables cannot be known.
 */
function contextRel(dir: string, p: string): string | undefined {
  const pwd = /^\$\{?PWD\}?(\/|$)/.exec(p);
  if (pwd) return joinRel('', p.slice(pwd[0].length) || '.');
  if (p.includes('$') || /^[a-z]+:\/\//i.test(p)) return undefined;
  return joinRel(dir, p);
}

function deref(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** A map's pairs with YAML merge keys (`<<: *shared-env`) expanded; the map's own keys win. */
function mergedItems(map: YAMLMap, doc: Document, depth = 0): YAMLMap['items'] {
  const own = map.items.filter((i) => !(isScalar(i.key) && i.key.value === '<<'));
  if (depth > 4) return own;
  const merged: YAMLMap['items'] = [];
  for (const item of map.items) {
    if (!(isScalar(item.key) && item.key.value === '<<')) continue;
    const sources = isSeq(item.value) ? item.value.items : [item.value];
    for (const source of sources.map((s) => deref(s, doc))) if (isMap(source)) merged.push(...mergedItems(source, doc, depth + 1));
  }
  const ownKeys = new Set(own.map((i) => (isScalar(i.key) ? String(i.key.value) : '')));
  return [...merged.filter((i) => !(isScalar(i.key) && ownKeys.has(String(i.key.value)))), ...own];
}

function joinRel(dir: string, p: string): string {
  const joined = path.posix.normalize(path.posix.join(dir === '.' ? '' : dir, p));
  return joined.replace(/\/$/, '') || '.';
}

function lineOf(node: YamlNode, lc: LineCounter): number {
  const offset = node.range?.[0] ?? 0;
  return lc.linePos(offset).line;
}

/** `.env` text to variables with their line numbers. */
export function parseDotenv(text: string): Map<string, { value: string; line: number }> {
  const vars = new Map<string, { value: string; line: number }>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) return;
    let value = m[2].trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    vars.set(m[1], { value, line: i + 1 });
  });
  return vars;
}
