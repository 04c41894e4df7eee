/**
 * Which service reaches which datastore: every datastore client in the code,
 * attributed to the deployable whose code builds it (or, for a client in a
 * shared package, to the deployables importing it), with the connection
 * identity resolved through that deployable's own deployment environment.
 * The shared-database rule and the system model (`model` command) both read
 * this, so they agree on who shares what.
 */
import { Node, SyntaxKind, ts, type CallExpression, type SourceFile } from 'ts-morph';
import { wrapperFor } from '../facts/walk';
import { isFunctionLike } from '../facts/analysis';
import { envVarsIn, urlsIn } from '../facts/envReads';
import type { SystemModel } from '../model';
import type { Fact } from '../facts/facts';
import type { DatastoreIdentity } from '../workspace/datastores';
import type { ServiceInfo } from '../workspace/services';
import { bringsIn } from './imports';
import { looseRootScript } from './looseScripts';
import { servicesCallingClient } from './clientRunners';
import { configuredSchema, configuredString, createdSchema, schemaTables, UNKNOWN, type EnvLookup } from './pgSchemas';

export interface DatastoreUsage {
  service: ServiceInfo;
  /** Where the use is: the client, or the import of the shared module that builds it. */
  node: Node;
  identity: DatastoreIdentity;
  /** Store kind (`postgres`, `prisma`, `mongodb`...) as the client's library says. */
  store?: string;
  /** The shared module the client lives in, when the service reaches it through an import. */
  via?: string;
  /** Direct evidence other than a connection: the SQL that reaches another service's schema. */
  access?: string;
}

export function datastoreUsages(model: SystemModel): DatastoreUsage[] {
  const usages: DatastoreUsage[] = [];
  const importers = new Map<SourceFile, ReturnType<SystemModel['importersInServices']>>();
  for (const fact of model.facts) {
    if (fact.kind !== 'client') continue;
    const envVars = [...(fact.envVars ?? [])];
    if (fact.store === 'prisma' && !envVars.length) envVars.push(...model.datastores.prismaEnv(fact.node.getSourceFile().getFilePath()));
    const urls = fact.urls ?? [];
    const hintsFor = (service: ServiceInfo) => ({ kind: fact.store, ...fact.connection, schema: schemaOf(model, fact, service) });
    const own = model.serviceOf(fact.node);
    if (own) {
      // A one-off script beside the deployable's package.json connects wherever it hard-codes, not where the service does.
      if (looseRootScript(model, own, fact.node.getSourceFile())) continue;
      for (const identity of resolved(model.datastores.identities(own, envVars, urls, hintsFor(own)))) usages.push({ service: own, node: fact.node, identity, store: fact.store });
      continue;
    }
    // A client built from a factory's parameters is decided at each call site (factoryCallUsages).
    if (!envVars.length && !urls.length && fact.node.getFirstAncestor(isFunctionLike)) continue;
    // A client in a shared module runs in every service that imports it (or what is built on it): each
    // one's own deployment environment says where it connects. When nothing in that deployment sets the
    // client's connection, the one shared client module is what the services have in common.
    const file = fact.node.getSourceFile();
    // Built inside a function: the services that call it run it (clientRunners.ts); importing the module runs nothing.
    let owners: { service: ServiceInfo; node: Node; via: string }[] | undefined = servicesCallingClient(model, fact.node);
    if (!owners) {
      owners = importers.get(file);
      if (!owners) importers.set(file, owners = model.importersInServices(file, { accept: bringsIn(file), depth: 5 }));
    }
    for (const owner of owners) {
      const ids = resolved(model.datastores.identities(owner.service, envVars, urls, hintsFor(owner.service)));
      if (!ids.length && !envVars.some((name) => model.datastores.isBound(owner.service, name))) ids.push(sharedModuleIdentity(model.relOf(file), fact.store, envVars));
      for (const identity of ids) usages.push({ service: owner.service, node: owner.node, identity, store: fact.store, via: owner.via });
    }
  }
  usages.push(...factoryCallUsages(model));
  usages.push(...crossSchemaUsages(model, usages));
  return usages;
}

function envOf(model: SystemModel, service: ServiceInfo): EnvLookup {
  return (name) => model.datastores.envValue(service, name, UNKNOWN);
}

/** The Postgres schema a client works in, in this deployable: its configuration's, else the one it only creates. */
function schemaOf(model: SystemModel, fact: Fact, service: ServiceInfo): string | undefined {
  if (fact.store !== 'postgres' && fact.store !== 'prisma') return undefined;
  const env = envOf(model, service);
  return configuredSchema(fact.config ?? [], env) ?? createdSchema(fact.node, env);
}

/**
 * Raw SQL naming a table in another service's own schema (`SELECT … FROM identity.users` in
 * orders, whose connection reaches the same database in schema `orders`): the service reads or
 * writes that datastore directly. Only schemas that a service's client is configured with count,
 * and only from a service whose own connection reaches that same database.
 */
function crossSchemaUsages(model: SystemModel, usages: DatastoreUsage[]): DatastoreUsage[] {
  const split = (key: string) => /^(.*)\?schema=([^&]+)$/.exec(key);
  // database key -> schema -> the usages that own it
  const owners = new Map<string, Map<string, DatastoreUsage[]>>();
  const databasesOf = new Map<ServiceInfo, Set<string>>();
  for (const u of usages) {
    if (u.access || u.via) continue;
    const m = split(u.identity.key);
    const database = m ? m[1] : u.identity.key;
    databasesOf.set(u.service, (databasesOf.get(u.service) ?? new Set()).add(database));
    if (!m) continue;
    const bySchema = owners.get(database) ?? new Map<string, DatastoreUsage[]>();
    owners.set(database, bySchema);
    bySchema.set(m[2], [...(bySchema.get(m[2]) ?? []), u]);
  }
  if (!owners.size) return [];
  const out: DatastoreUsage[] = [];
  const seen = new Set<Node>();
  for (const fact of model.facts) {
    if (fact.kind !== 'read' && fact.kind !== 'write' && fact.kind !== 'guard') continue;
    const call = fact.node.getFirstAncestorByKind(SyntaxKind.CallExpression);
    if (!call || seen.has(call)) continue;
    seen.add(call);
    const service = model.serviceOf(call);
    const databases = service && databasesOf.get(service);
    if (!service || !databases) continue;
    const sql = configuredString(call.getArguments()[0], envOf(model, service), true);
    if (!sql) continue;
    const named = new Set<string>();
    for (const { schema, table } of schemaTables(sql)) {
      if (named.has(schema)) continue;
      named.add(schema);
      for (const database of databases) {
        const schemaOwners = (owners.get(database)?.get(schema) ?? []).filter((o) => o.service !== service);
        // A schema the service itself also works in is its own, even when another service shares it.
        if (!schemaOwners.length || owners.get(database)?.get(schema)?.some((o) => o.service === service)) continue;
        const names = [...new Set(schemaOwners.map((o) => `"${o.service.name}"`))].join(', ');
        out.push({
          service, node: fact.node, identity: schemaOwners[0].identity, store: schemaOwners[0].store,
          access: `its SQL names ${schema}.${table}, a table in the schema of ${names}`,
        });
      }
    }
  }
  return out;
}

/**
 * Identities the deployment or the code decides. A bare env var name that nothing binds (`env:NAME`)
 * is not one: two services reading `DATABASE_URL` may each be given their own database.
 */
function resolved(ids: DatastoreIdentity[]): DatastoreIdentity[] {
  return ids.filter((i) => !i.key.startsWith('env:'));
}

/** One client module in a shared package, the identity of what its importing services share. */
function sharedModuleIdentity(rel: string, store: string | undefined, envVars: string[]): DatastoreIdentity {
  const unset = envVars.length ? ` (its ${envVars.join(', ')} set by no deployment configuration)` : '';
  return { key: `module:${rel}`, label: `${store ?? 'datastore'} client of shared module ${rel}`, evidence: `one ${store ?? ''} client in ${rel}${unset}`.replace(/ {2}/g, ' ') };
}

/**
 * Client factories: a workspace function that builds a client from its
 * parameters (`createPool(url)` in a shared lib). The connection identity
 * is decided at each call site, so each call is a usage of its own.
 */
function factoryCallUsages(model: SystemModel): DatastoreUsage[] {
  const factories = new Map<Node, Fact>();
  for (const fact of model.facts) {
    if (fact.kind !== 'client' || fact.envVars?.length || fact.urls?.length) continue;
    const fn = fact.node.getFirstAncestor(isFunctionLike);
    if (fn) factories.set(fn, fact);
  }
  if (!factories.size) return [];
  const names = new Set<string>();
  for (const fn of factories.keys()) {
    const name = Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn) ? fn.getName() : (Node.isVariableDeclaration(fn.getParent()) ? (fn.getParent() as import('ts-morph').VariableDeclaration).getName() : undefined);
    if (name) names.add(name);
  }
  const out: DatastoreUsage[] = [];
  for (const { sourceFile } of model.files) {
    // A call names its factory in the file's text; files that do not are skipped without a walk.
    const text = sourceFile.getFullText();
    if (![...names].some((n) => text.includes(n))) continue;
    const calls: ts.CallExpression[] = [];
    const visit = (raw: ts.Node): void => {
      if (ts.isCallExpression(raw)) {
        const callee = raw.expression;
        if (names.has((ts.isPropertyAccessExpression(callee) ? callee.name : callee).getText(sourceFile.compilerNode))) calls.push(raw);
      }
      ts.forEachChild(raw, visit);
    };
    ts.forEachChild(sourceFile.compilerNode, visit);
    for (const node of calls.map(wrapperFor(sourceFile)) as CallExpression[]) {
      const callee = node.getExpression();
      const target = model.analysis.resolveCallee(node);
      const fact = target ? factories.get(target) : undefined;
      const service = model.serviceOf(node);
      if (!fact || !service) continue;
      const envVars = node.getArguments().flatMap((a) => envVarsIn(a));
      const urls = node.getArguments().flatMap((a) => urlsIn(a));
      for (const identity of resolved(model.datastores.identities(service, envVars, urls))) {
        out.push({ service, node: callee, identity, store: fact.store, via: model.relOf(fact.node) });
      }
    }
  }
  return out;
}
