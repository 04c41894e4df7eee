/**
 * Datastore identity: which database a client connects to, resolved from
 * env var names through the service's deployment environment (compose,
 * .env files) and from literal URLs, matched against declared datastores.
 */
import * as path from 'node:path';
import { MAX_CONFIG_BYTES, readTextFile } from './files';
import type { Architecture, ArchDatastore } from '../architecture/model';
import type { EnvValue, ServiceInfo, WorkspaceLayout } from './services';

/** Connection details a client's configuration gives besides env vars and URLs. */
export interface ConnectionHints {
  /** Store kind (`postgres`, `mysql`, `mongodb`...), for building a comparable URL. */
  kind?: string;
  /** Literal server host (`host: 'postgres'`). */
  host?: string;
  /** Literal database name (`database: 'orders'`, `dbName`, `client.db('orders')`). */
  database?: string;
  /** Postgres schema the client works in, as its deployable's environment decides (see system/pgSchemas.ts). */
  schema?: string;
}

interface SplitPart {
  name: string;
  role: 'host' | 'db';
  bound?: EnvValue;
}

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
  // A deploy-time value (`${@.env:POSTGRES_PORT}`) holds `@`, `:` and `/`: parse it as one opaque token.
  const m = /^([a-z+]+):\/\/(?:[^@/]*@)?([^/?#]+)(\/[^?#]*)?/i.exec(url.trim().replace(DEPLOY_TIME_VALUE, encodeURIComponent));
  if (!m) return undefined;
  let scheme = m[1].toLowerCase();
  if (scheme === 'postgresql') scheme = 'postgres';
  if (scheme === 'mongodb+srv') scheme = 'mongodb';
  if (scheme === 'rediss') scheme = 'redis';
  if (scheme === 'mariadb') scheme = 'mysql';
  const hosts = m[2].toLowerCase().split(',').map((h) => (h.includes(':') ? h : `${h}:${DEFAULT_PORTS[scheme] ?? ''}`)).sort().join(',');
  const db = (m[3] ?? '/').replace(/\/+$/, '') || '';
  // A Postgres schema per service in one database (`?schema=orders`, Prisma's convention) is a datastore of its own.
  const schema = /[?&](?:schema|currentSchema)=([^&#]+)/i.exec(url)?.[1];
  const decoded = (text: string) => text.replace(/%24%7b%40[^/?#,]*?%7d/gi, (token) => decodeURIComponent(token));
  return `${scheme}://${decoded(hosts)}${decoded(db)}${schema && schema.toLowerCase() !== 'public' ? `?schema=${decodeURIComponent(schema)}` : ''}`;
}

/** Where a variable's value comes from, for a message: `DB_URL=postgres://host/db (compose.yml:12)`. */
function boundEvidence(name: string, bound: EnvValue): string {
  if (bound.line === 0 && /^\$\{@[^}]*\}$/.test(bound.value)) return `${name} from ${bound.file} (set at deploy time, not in the workspace)`;
  return `${name}=${redact(bound.value)} (${bound.file}:${bound.line})`;
}

/** A value the deployment sets from an env file or variable not in the workspace: `${@<folder>:<NAME>}`. */
const DEPLOY_TIME_VALUE = /\$\{@[^}]*\}/g;

/**
 * How a normalized URL is shown to a reader: no scheme, a deploy-time value as its variable
 * (`$POSTGRES_DB`), a schema in words: `db-host/$POSTGRES_DB (schema orders)`.
 */
export function urlLabel(url: string): string {
  const schema = /\?schema=(.*)$/.exec(url)?.[1];
  const bare = url.replace(/^\w+:\/\//, '').replace(/\?schema=.*$/, '').replace(/\$\{@[^}]*:([^}:]+)\}/g, (_, name: string) => `$${name.toUpperCase()}`);
  return schema ? `${bare} (schema ${schema})` : bare;
}

export class DatastoreResolver {
  private readonly perServiceNames = new Map<string, boolean>();

  constructor(private readonly layout: WorkspaceLayout, private readonly architecture: Architecture | undefined, private readonly root: string) {}

  /**
   * The datastores a client reaches. `hints` are what its configuration says
   * besides env vars and URLs: the store kind and literal `host`/`database`
   * options (`{ dbName: 'orders' }`, `client.db('orders')`).
   */
  identities(service: ServiceInfo | undefined, envVars: string[], urls: string[], hints: ConnectionHints = {}): DatastoreIdentity[] {
    const out: DatastoreIdentity[] = [];
    const parts: SplitPart[] = [];
    for (const name of envVars) {
      const declared = this.architecture?.datastores.find((d) => d.env.includes(name));
      const bound = this.binding(service, name);
      const value = bound ? expand(bound, service, this.layout.rootEnv) : undefined;
      const url = value !== undefined ? withSchema(withDatabase(normalizeUrl(value), hints.database), hints.schema) : undefined;
      const byUrl = url ? this.declaredByUrl(url) : undefined;
      if (byUrl || (declared && !url)) {
        const d = (byUrl ?? declared)!;
        out.push({ key: `declared:${d.name}`, label: d.name, declared: d, evidence: bound ? boundEvidence(name, bound) : `${name} (declared for ${d.name})` });
      } else if (url) {
        out.push({ key: `url:${url}`, label: urlLabel(url), evidence: boundEvidence(name, bound!) });
      } else if (isConnectionEnv(name) && value !== undefined && OPAQUE.test(value) && !splitRole(name)) {
        // Not known here, but one value: the same unresolved variable or the same deploy-time env file.
        out.push({ key: `opaque:${value}${hints.schema ? `?schema=${hints.schema}` : ''}`, label: `$${name} (${value.slice(3, -1)})`, evidence: boundEvidence(name, bound!) });
      } else if (isConnectionEnv(name)) {
        const role = splitRole(name);
        if (role) parts.push({ name, role, bound });
        else out.push({ key: `env:${name}`, label: `$${name}`, evidence: `env ${name}` });
      }
    }
    if (parts.length) {
      const split = this.splitIdentity(service, parts, envVars, hints);
      if (split) out.push(split);
    }
    for (const raw of urls) {
      const url = withSchema(withDatabase(normalizeUrl(raw), hints.database), hints.schema);
      if (!url) continue;
      const d = this.declaredByUrl(url);
      out.push(d ? { key: `declared:${d.name}`, label: d.name, declared: d, evidence: redact(raw) } : { key: `url:${url}`, label: urlLabel(url), evidence: redact(raw) });
    }
    return dedupe(out);
  }

  /**
   * An env var's value in a service's deployment, `${...}` references expanded; undefined when nothing
   * sets it, `unknown` when something does but its value is not in the workspace.
   */
  envValue(service: ServiceInfo | undefined, name: string, unknown: string): string | undefined {
    const bound = this.binding(service, name);
    if (!bound) return undefined;
    const value = expand(bound, service, this.layout.rootEnv);
    return value.includes('${@') ? unknown : value;
  }

  /**
   * True when the service's deployment environment (or the workspace's root env) sets the variable,
   * a root template (`perService`) included.
   */
  isBound(service: ServiceInfo | undefined, name: string): boolean {
    return this.binding(service, name) !== undefined || this.layout.rootEnv.has(name);
  }

  private binding(service: ServiceInfo | undefined, name: string): EnvValue | undefined {
    const own = service?.env.get(name);
    if (own) return own;
    // An env file the deployment names but the repository does not hold (written at deploy time):
    // whatever it sets, every service given that same file reads the same value.
    const unread = service?.unreadEnvFiles?.[0];
    if (unread) return { value: `\${@${unread}:${name}}`, file: unread, line: 0 };
    return this.perService(name) ? undefined : this.layout.rootEnv.get(name);
  }

  /**
   * True when the services' own deployment environments give `name` different values (compose
   * puts `orders_db` in one service and `billing_db` in the other): the root `.env`'s value is then a
   * template the deployment replaces per service, not where a service it does not configure connects.
   */
  private perService(name: string): boolean {
    let known = this.perServiceNames.get(name);
    if (known === undefined) {
      const values = new Set<string>();
      for (const svc of this.layout.services) {
        const own = svc.env.get(name);
        if (!own) continue;
        const value = expand(own, svc, this.layout.rootEnv);
        values.add(normalizeUrl(value) ?? value);
      }
      known = values.size > 1;
      this.perServiceNames.set(name, known);
    }
    return known;
  }

  /**
   * Host and database name given by separate env vars (`DB_HOST`, `DB_NAME`):
   * one datastore, identified by their values when the deployment gives them
   * all (so it matches a URL naming the same server and database), else by
   * the env var names. A known server with an unknown database is no
   * identity at all: one server often holds a database per service.
   */
  private splitIdentity(service: ServiceInfo | undefined, all: SplitPart[], envVars: string[], hints: ConnectionHints): DatastoreIdentity | undefined {
    // A deployment that sets a host and a database has said where the client connects; settings it
    // leaves unset (`DB_READ_HOST` of an optional replica) are alternatives, not part of the identity.
    const set = all.filter((p) => p.bound);
    const parts = set.some((p) => p.role === 'host') && set.some((p) => p.role === 'db') ? set : all;
    const names = parts.map((p) => p.name).sort();
    if (parts.some((p) => !p.bound)) {
      if (!parts.some((p) => p.role === 'db') && hints.database === undefined && parts.some((p) => p.bound)) return undefined;
      return { key: `env:${names.join('+')}`, label: names.map((n) => `$${n}`).join('/'), evidence: `env ${names.join(', ')}` };
    }
    const value = (role: SplitPart['role']) => parts.filter((p) => p.role === role).map((p) => expand(p.bound!, service, this.layout.rootEnv).toLowerCase()).sort().join(',');
    const host = value('host') || hints.host?.toLowerCase();
    const database = value('db') || hints.database;
    if (!host || !database) return undefined;
    const portVar = envVars.find((n) => /PORT/i.test(n) && this.binding(service, n));
    const port = portVar ? expand(this.binding(service, portVar)!, service, this.layout.rootEnv) : undefined;
    const scheme = hints.kind && DEFAULT_PORTS[hints.kind] ? hints.kind : undefined;
    const url = scheme ? withSchema(normalizeUrl(`${scheme}://${host}${port ? `:${port}` : ''}/${database}`), hints.schema) : undefined;
    const evidence = parts.map((p) => boundEvidence(p.name, p.bound!)).join(', ');
    const declared = url ? this.declaredByUrl(url) : undefined;
    if (declared) return { key: `declared:${declared.name}`, label: declared.name, declared, evidence };
    return url
      ? { key: `url:${url}`, label: urlLabel(url), evidence }
      : { key: `split:${host}/${database}${hints.schema ? `?schema=${hints.schema}` : ''}`, label: `${host}/${database}`, evidence };
  }

  private declaredByUrl(url: string): ArchDatastore | undefined {
    const bare = url.replace(/\?schema=.*$/, '');
    return this.architecture?.datastores.find((d) => d.urls.some((u) => {
      const n = normalizeUrl(u);
      // A declared URL without a schema covers every schema of that database.
      return n !== undefined && (n === url || stripPort(n) === stripPort(url) || (!n.includes('?schema=') && stripPort(n) === stripPort(bare)));
    }));
  }

  /** Env vars a Prisma client reads: `url = env("X")` in the nearest schema.prisma. */
  prismaEnv(fileAbs: string): string[] {
    let dir = path.dirname(fileAbs);
    for (let i = 0; i < 8 && dir.startsWith(this.root); i++) {
      for (const candidate of ['prisma/schema.prisma', 'schema.prisma']) {
        const p = path.join(dir, candidate);
        // Only a regular file inside the workspace (a FIFO or a link out of it is skipped).
        const text = readTextFile(p, MAX_CONFIG_BYTES, this.root);
        if (typeof text === 'string') return [...text.matchAll(/\burl\s*=\s*env\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]);
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return [];
  }
}

/**
 * `${NAME}` / `${NAME:-default}` in a deployment value: the service's own variable, else the
 * workspace's root `.env` (what compose interpolates from), else the default. A variable whose own
 * value is still a reference (`DATABASE_URL: ${DATABASE_URL:-postgres://...}`) is not a value.
 */
function expand(bound: EnvValue, service: ServiceInfo | undefined, rootEnv: Map<string, EnvValue>): string {
  const plain = (v: string | undefined) => (v !== undefined && !/\$(\{|[A-Za-z_])/.test(v) ? v : undefined);
  const compose = COMPOSE_FILE.test(bound.file);
  return bound.value.replace(/\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (_, braced?: string, op?: string, arg?: string, bare?: string) => {
    const name = (braced ?? bare)!;
    const known = plain(service?.env.get(name)?.value) ?? plain(rootEnv.get(name)?.value) ?? (op?.endsWith('-') ? arg : undefined);
    if (known !== undefined) return known;
    // Compose interpolates every service of one file from one environment: an unknown variable there
    // is still one value, the same for all of them (`DB: ${POSTGRES_DB:?missing}` in each service).
    return compose ? `\${@${path.posix.dirname(bound.file)}:${name}}` : '';
  });
}

const COMPOSE_FILE = /(^|\/)(docker-)?compose[^/]*\.ya?ml$/;
/** A value that is only an unresolved compose variable, or the content of an env file not in the workspace. */
const OPAQUE = /^\$\{[^}]+\}$/;

function stripPort(url: string): string {
  return url.replace(/:\d+(?=\/|$)/, '');
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function isConnectionEnv(name: string): boolean {
  // Credentials name no datastore (`DB_USERNAME` is not the database name).
  if (/(USER|PASS|PWD|SECRET|TOKEN)/i.test(name)) return false;
  return /(DATABASE|DB|POSTGRES|PG|MYSQL|MONGO|SQL)/i.test(name) && /(URL|URI|DSN|CONNECTION|HOST|NAME|_DB$|DATABASE$)/i.test(name);
}

/** What a connection env var holds when it is not a whole connection string: the server or the database name. */
function splitRole(name: string): SplitPart['role'] | undefined {
  if (/(URL|URI|DSN|CONNECTION)/i.test(name)) return undefined;
  if (/(HOST|SERVER|ADDR)/i.test(name)) return 'host';
  if (/(NAME|_DB$|DATABASE$|SCHEMA)/i.test(name)) return 'db';
  return undefined;
}

/** A server URL without a database path, completed with the database the code selects. */
function withDatabase(url: string | undefined, database: string | undefined): string | undefined {
  if (!url || !database || /^\w+:\/\/[^/]+\/./.test(url)) return url;
  return `${url.replace(/\/$/, '')}/${database}`;
}

/** A Postgres URL completed with the schema the client works in, unless the URL already names one. */
function withSchema(url: string | undefined, schema: string | undefined): string | undefined {
  if (!url || !schema || url.includes('?schema=') || !url.startsWith('postgres://')) return url;
  return `${url}?schema=${schema}`;
}

function dedupe(ids: DatastoreIdentity[]): DatastoreIdentity[] {
  const seen = new Set<string>();
  return ids.filter((i) => (seen.has(i.key) ? false : (seen.add(i.key), true)));
}
