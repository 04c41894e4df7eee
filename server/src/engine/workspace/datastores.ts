/**
 * Datastore identity: which database a client connects to, resolved from
 * env var names through the service's deployment environment (compose,
 * .env files) and from literal URLs, matched against declared datastores.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { Architecture, ArchDatastore } from '../architecture/model';
import type { ServiceInfo, WorkspaceLayout } from './services';

export interface DatastoreIdentity {
  /** Stable key: `url:postgres://host:5432/db`, `env:NAME`, or `declared:<name>`. */
  key: string;
  /** Human label: the declared name, the host/db, or the env var. */
  label: string;
  declared?: ArchDatastore;
  /** How it was resolved, e.g. `ORDERS_DATABASE_URL=postgres://... (docker-compose.yml:12)`. */
  evidence: string;
}

const DEFAULT_PORTS: Record<string, string> = { postgres: '5432', mysql: '3306', mongodb: '27017', redis: '6379', mssql: '1433' };

/** `postgres://user:pw@Host:5432/db?ssl=1` -> `postgres://host:5432/db`; undefined for non-URLs. */
export function normalizeUrl(url: string): string | undefined {
  const m = /^([a-z+]+):\/\/(?:[^@/]*@)?([^/?#]+)(\/[^?#]*)?/i.exec(url.trim());
  if (!m) return undefined;
  let scheme = m[1].toLowerCase();
  if (scheme === 'postgresql') scheme = 'postgres';
  if (scheme === 'mongodb+srv') scheme = 'mongodb';
  if (scheme === 'rediss') scheme = 'redis';
  if (scheme === 'mariadb') scheme = 'mysql';
  const hosts = m[2].toLowerCase().split(',').map((h) => (h.includes(':') ? h : `${h}:${DEFAULT_PORTS[scheme] ?? ''}`)).sort().join(',');
  const db = (m[3] ?? '/').replace(/\/+$/, '') || '';
  return `${scheme}://${hosts}${db}`;
}

export class DatastoreResolver {
  constructor(private readonly layout: WorkspaceLayout, private readonly architecture: Architecture | undefined, private readonly root: string) {}

  identities(service: ServiceInfo | undefined, envVars: string[], urls: string[]): DatastoreIdentity[] {
    const out: DatastoreIdentity[] = [];
    for (const name of envVars) {
      const declared = this.architecture?.datastores.find((d) => d.env.includes(name));
      const bound = service?.env.get(name) ?? this.layout.rootEnv.get(name);
      const url = bound ? normalizeUrl(expand(bound.value, service)) : undefined;
      const byUrl = url ? this.declaredByUrl(url) : undefined;
      if (byUrl || (declared && !url)) {
        const d = (byUrl ?? declared)!;
        out.push({ key: `declared:${d.name}`, label: d.name, declared: d, evidence: bound ? `${name}=${redact(bound.value)} (${bound.file}:${bound.line})` : `${name} (declared for ${d.name})` });
      } else if (url) {
        out.push({ key: `url:${url}`, label: url.replace(/^\w+:\/\//, ''), evidence: `${name}=${redact(bound!.value)} (${bound!.file}:${bound!.line})` });
      } else if (isConnectionEnv(name)) {
        out.push({ key: `env:${name}`, label: `$${name}`, evidence: `env ${name}` });
      }
    }
    for (const raw of urls) {
      const url = normalizeUrl(raw);
      if (!url) continue;
      const d = this.declaredByUrl(url);
      out.push(d ? { key: `declared:${d.name}`, label: d.name, declared: d, evidence: redact(raw) } : { key: `url:${url}`, label: url.replace(/^\w+:\/\//, ''), evidence: redact(raw) });
    }
    return dedupe(out);
  }

  private declaredByUrl(url: string): ArchDatastore | undefined {
    return this.architecture?.datastores.find((d) => d.urls.some((u) => {
      const n = normalizeUrl(u);
      return n !== undefined && (n === url || stripPort(n) === stripPort(url));
    }));
  }

  /** Env vars a Prisma client reads: `url = env("X")` in the nearest schema.prisma. */
  prismaEnv(fileAbs: string): string[] {
    let dir = path.dirname(fileAbs);
    for (let i = 0; i < 8 && dir.startsWith(this.root); i++) {
      for (const candidate of ['prisma/schema.prisma', 'schema.prisma']) {
        const p = path.join(dir, candidate);
        try {
          const text = fs.readFileSync(p, 'utf8');
          return [...text.matchAll(/\burl\s*=\s*env\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]);
        } catch {
          // keep looking upwards
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return [];
  }
}

function expand(value: string, service: ServiceInfo | undefined): string {
  return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, name: string, fallback?: string) => service?.env.get(name)?.value ?? fallback ?? '');
}

function stripPort(url: string): string {
  return url.replace(/:\d+(?=\/|$)/, '');
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function isConnectionEnv(name: string): boolean {
  return /(DATABASE|DB|POSTGRES|PG|MYSQL|MONGO|SQL)/i.test(name) && /(URL|URI|DSN|CONNECTION|HOST|NAME)/i.test(name);
}

function dedupe(ids: DatastoreIdentity[]): DatastoreIdentity[] {
  const seen = new Set<string>();
  return ids.filter((i) => (seen.has(i.key) ? false : (seen.add(i.key), true)));
}
