/**
 * Datastores and who reaches them. Declared datastores come from the
 * architecture file; uses come from the code: every `process.env.X` read in
 * a service whose value resolves (through the service's deployment
 * environment) to a database, and datastore clients built from literal URLs.
 */
import { Node } from 'ts-morph';
import type { SystemModel } from '../../engine/model';
import type { DatastoreIdentity } from '../../engine/workspace/datastores';
import { compareRefs, compareText, refOf } from './source';
import type { DatastoreRole, DatastoreView, Ref } from './types';

const DATASTORE_SCHEMES = /^url:(postgres|mysql|mongodb|redis|mssql|sqlite|dynamodb|elasticsearch|cassandra|couchdb|neo4j):/;

interface RawUse {
  service: string;
  identity: DatastoreIdentity;
  at: Ref;
  via: string;
}

export function buildDatastores(model: SystemModel): DatastoreView[] {
  const uses = collectUses(model);
  const views = new Map<string, DatastoreView>();
  const archFile = model.architectureFile;
  for (const d of model.architecture?.datastores ?? []) {
    views.set(`declared:${d.name}`, {
      key: `declared:${d.name}`, name: d.name, kind: d.kind, owner: d.owner,
      declaredAt: archFile ? { file: archFile, line: d.range.start.line } : undefined,
      inferred: false, uses: [], shared: false,
    });
  }
  for (const u of uses) {
    let view = views.get(u.identity.key);
    if (!view) {
      view = { key: u.identity.key, name: u.identity.label, kind: kindOf(u.identity.key), inferred: true, uses: [], shared: false };
      views.set(u.identity.key, view);
    }
    if (view.uses.some((x) => x.service === u.service && x.at.file === u.at.file && x.at.line === u.at.line)) continue;
    view.uses.push({ service: u.service, at: u.at, via: u.via, role: 'sole' });
  }
  for (const view of views.values()) {
    const users = new Set(view.uses.map((u) => u.service));
    view.uses = view.uses.map((u) => ({ ...u, role: roleOf(view.owner, u.service, users.size) }));
    view.uses.sort((a, b) => compareText(a.service, b.service) || compareRefs(a.at, b.at));
    view.shared = users.size > 1 || view.uses.some((u) => u.role === 'foreign');
  }
  return [...views.values()].sort((a, b) => compareText(a.name, b.name));
}

function roleOf(owner: string | undefined, service: string, users: number): DatastoreRole {
  if (owner) return owner === service ? 'owner' : 'foreign';
  return users > 1 ? 'shared' : 'sole';
}

function kindOf(key: string): string | undefined {
  return /^url:(\w+):/.exec(key)?.[1];
}

function isDatastore(identity: DatastoreIdentity): boolean {
  return identity.key.startsWith('declared:') || identity.key.startsWith('env:') || DATASTORE_SCHEMES.test(identity.key);
}

function collectUses(model: SystemModel): RawUse[] {
  const out: RawUse[] = [];
  for (const f of model.files) {
    const service = model.layout.serviceOf(f.rel);
    if (!service) continue;
    f.sourceFile.forEachDescendant((node) => {
      const env = envName(node);
      if (!env) return;
      for (const identity of model.datastores.identities(service, [env], [])) {
        if (isDatastore(identity)) out.push({ service: service.name, identity, at: refOf(model, node), via: env });
      }
    });
  }
  for (const fact of model.facts) {
    if (fact.kind !== 'client') continue;
    const service = model.serviceOf(fact.node);
    if (!service) continue;
    const envVars = fact.store === 'prisma' && !(fact.envVars ?? []).length ? model.datastores.prismaEnv(fact.node.getSourceFile().getFilePath()) : [];
    for (const identity of model.datastores.identities(service, envVars, fact.urls ?? [])) {
      if (isDatastore(identity)) out.push({ service: service.name, identity, at: refOf(model, fact.node), via: identity.evidence });
    }
  }
  return out;
}

/** `process.env.NAME` or `process.env['NAME']` -> NAME. */
function envName(node: Node): string | undefined {
  if (Node.isPropertyAccessExpression(node)) {
    const target = node.getExpression();
    if (target.getText() === 'process.env') return node.getName();
  }
  if (Node.isElementAccessExpression(node)) {
    const target = node.getExpression();
    const arg = node.getArgumentExpression();
    if (target.getText() === 'process.env' && arg && (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg))) return arg.getLiteralValue();
  }
  return undefined;
}
