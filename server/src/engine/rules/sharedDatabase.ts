import { Node, ts, type CallExpression } from 'ts-morph';
import { wrapperFor } from '../facts/walk';
import { isFunctionLike } from '../facts/analysis';
import { envVarsIn, urlsIn } from '../facts/syntax';
import type { SystemModel } from '../model';
import type { Fact } from '../facts/facts';
import { createRule } from './createRule';
import type { DatastoreIdentity } from '../workspace/datastores';
import type { ServiceInfo } from '../workspace/services';

interface Usage {
  service: ServiceInfo;
  node: Node;
  identity: DatastoreIdentity;
  via?: string;
}

export const sharedDatabase = createRule({
  id: 'shared-database',
  description: 'Each datastore belongs to one service; two services must not reach the same database.',
  defaultSeverity: 'warning',
  fixes: [],
  messages: {
    shared: {
      message: 'Service "{{service}}" connects to datastore {{store}}, which service{{plural}} {{others}} also use{{s}} ({{evidence}}). A shared database couples their schemas, deployments and failures, and lets one service bypass the other\'s rules.',
      hint: 'Give each service its own database and expose the data through an API or events; if one service owns it, declare the owner in architecture.yaml and have the others go through it.',
    },
    notOwner: {
      message: 'Service "{{service}}" connects to datastore "{{store}}", which is owned by service "{{owner}}" ({{evidence}}). Reaching into another service\'s data bypasses its rules and couples both to one schema.',
      hint: 'Ask "{{owner}}" for the data through its API or events, or move this code into "{{owner}}".',
    },
  },
  check({ model, report }) {
    const usages: Usage[] = [];
    for (const fact of model.facts) {
      if (fact.kind !== 'client') continue;
      const envVars = [...(fact.envVars ?? [])];
      if (fact.store === 'prisma' && !envVars.length) envVars.push(...model.datastores.prismaEnv(fact.node.getSourceFile().getFilePath()));
      // Nothing names a datastore: no identities whoever the owner is, so the importers (a workspace scan) are not needed.
      if (!envVars.length && !fact.urls?.length) continue;
      const owners = model.serviceOf(fact.node) ? [{ service: model.serviceOf(fact.node)!, node: fact.node, via: undefined }] : model.importersInServices(fact.node.getSourceFile());
      for (const owner of owners) {
        for (const identity of model.datastores.identities(owner.service, envVars, fact.urls ?? [], { kind: fact.store, ...fact.connection })) {
          usages.push({ service: owner.service, node: owner.node, identity, via: owner.via });
        }
      }
    }
    usages.push(...factoryCallUsages(model));
    const byStore = new Map<string, Usage[]>();
    for (const u of usages) byStore.set(u.identity.key, [...(byStore.get(u.identity.key) ?? []), u]);
    const reported = new Set<string>();
    for (const group of byStore.values()) {
      const services = [...new Set(group.map((u) => u.service.name))].sort();
      for (const u of group) {
        const key = `${u.service.name}|${u.identity.key}|${u.node.getSourceFile().getFilePath()}:${u.node.getStart()}`;
        if (reported.has(key)) continue;
        const owner = u.identity.declared?.owner;
        const inferred = u.service.inferred || !u.identity.declared;
        if (owner && owner !== u.service.name) {
          reported.add(key);
          report({
            messageId: 'notOwner',
            data: { service: u.service.name, store: u.identity.label, owner, evidence: evidence(u) },
            location: model.locationOf(u.node), snippet: `${u.service.name}->${u.identity.key}`, inferred,
          });
          continue;
        }
        if (owner) continue;
        const others = services.filter((s) => s !== u.service.name);
        if (!others.length) continue;
        reported.add(key);
        report({
          messageId: 'shared',
          data: {
            service: u.service.name, store: u.identity.label, others: others.map((s) => `"${s}"`).join(', '),
            plural: others.length > 1 ? 's' : '', s: others.length > 1 ? '' : 's', evidence: evidence(u),
          },
          location: model.locationOf(u.node),
          snippet: `${u.service.name}->${u.identity.key}`,
          inferred,
          related: group.filter((o) => o.service.name !== u.service.name).slice(0, 3).map((o) => ({
            ...model.locationOf(o.node), message: `service "${o.service.name}" uses the same datastore`,
          })),
        });
      }
    }
  },
});

function evidence(u: Usage): string {
  return u.via ? `${u.identity.evidence}, through shared module ${u.via}` : u.identity.evidence;
}

/**
 * Client factories: a workspace function that builds a client from its
 * parameters (`createPool(url)` in a shared lib). The connection identity
 * is decided at each call site, so each call is a usage of its own.
 */
function factoryCallUsages(model: SystemModel): Usage[] {
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
  const out: Usage[] = [];
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
      for (const identity of model.datastores.identities(service, envVars, urls)) {
        out.push({ service, node: callee, identity, via: model.relOf(fact.node) });
      }
    }
  }
  return out;
}
