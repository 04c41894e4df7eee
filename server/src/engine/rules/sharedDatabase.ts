import { createRule } from './createRule';
import { datastoreUsages, type DatastoreUsage } from '../system/datastoreUses';
import { sameApplication } from '../workspace/manifests';

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
    const usages = datastoreUsages(model);
    const byStore = new Map<string, DatastoreUsage[]>();
    for (const u of usages) byStore.set(u.identity.key, [...(byStore.get(u.identity.key) ?? []), u]);
    // One finding per service, datastore and file: two clients a module builds on one connection
    // (a pool and the ORM on it) are one cause, reported at the first.
    const reported = new Set<string>();
    for (const group of byStore.values()) {
      const services = [...new Set(group.map((u) => u.service.name))].sort();
      // A schema only one service connects to, which others reach by naming its tables in their SQL:
      // the others are the finding; the owner's own connection is not a second one.
      const connecting = new Set(group.filter((u) => !u.access).map((u) => u.service.name));
      const ownerOfReachedSchema = connecting.size === 1 && group.some((u) => u.access) ? [...connecting][0] : undefined;
      for (const u of [...group].sort(byPosition)) {
        if (!u.access && u.service.name === ownerOfReachedSchema) continue;
        const key = `${u.service.name}|${u.identity.key}|${u.node.getSourceFile().getFilePath()}`;
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
        // Process types of one application (one Procfile runs both) share its database by design.
        const others = services.filter((s) => s !== u.service.name && !sameApplication(u.service, group.find((o) => o.service.name === s)!.service));
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
            ...model.locationOf(o.node), message: o.access ? `service "${o.service.name}" reaches it: ${o.access}` : `service "${o.service.name}" uses the same datastore`,
          })),
        });
      }
    }
  },
});

function byPosition(a: DatastoreUsage, b: DatastoreUsage): number {
  const fa = a.node.getSourceFile().getFilePath();
  const fb = b.node.getSourceFile().getFilePath();
  return fa < fb ? -1 : fa > fb ? 1 : a.node.getStart() - b.node.getStart();
}

function evidence(u: DatastoreUsage): string {
  if (u.access) return u.access;
  return u.via ? `${u.identity.evidence}, through shared module ${u.via}` : u.identity.evidence;
}

