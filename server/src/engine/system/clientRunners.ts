/**
 * Which services run a client that a shared module builds inside a function
 * (`export function createNewPostgresPool() { return new Pool({ host: process.env.DATABASE_HOST }) }`):
 * the services whose code calls that function, directly or through other functions of shared
 * modules (`getPostgresPool()` → `getIndexerStateRepository()` → a service's `main.ts`). Importing
 * the module, or a barrel that re-exports it, runs nothing: a service that imports the shared
 * package for its other exports does not connect.
 *
 * Undefined when the calls cannot be followed (a method, a function nothing calls by name: it may be
 * handed over as a value to a DI container): then the importers of the module are taken instead.
 */
import { Node } from 'ts-morph';
import { isFunctionLike } from '../facts/analysis';
import { callSites, functionName } from '../facts/carriers';
import type { SystemModel } from '../model';
import type { ServiceInfo } from '../workspace/services';

/** Levels of shared functions followed up from the client's own. */
const MAX_LEVELS = 4;

export interface ClientRunner { service: ServiceInfo; node: Node; via: string }

export function servicesCallingClient(model: SystemModel, client: Node): ClientRunner[] | undefined {
  const fn = client.getFirstAncestor(isFunctionLike);
  if (!fn) return undefined;
  const out = new Map<string, ClientRunner>();
  const seen = new Set<Node>([fn]);
  let level: Node[] = [fn];
  for (let depth = 0; depth < MAX_LEVELS && level.length; depth++) {
    const next: Node[] = [];
    for (const f of level) {
      const name = followable(f);
      if (!name) return undefined;
      const sites = callSites(f, name, model.analysis);
      // Nothing calls it by name: it may be passed as a value (a DI registration), so calls say nothing.
      if (!sites.length) return undefined;
      for (const site of sites) {
        const service = model.serviceOf(site);
        if (service) {
          if (!out.has(service.name)) out.set(service.name, { service, node: site.getExpression(), via: model.relOf(client) });
          continue;
        }
        const caller = site.getFirstAncestor(isFunctionLike);
        // A call at a shared module's top level runs wherever that module is loaded: follow no further.
        if (!caller) return undefined;
        if (!seen.has(caller)) {
          seen.add(caller);
          next.push(caller);
        }
      }
    }
    level = next;
  }
  // Calls still in shared code past the levels followed: where they end is not known.
  if (level.length) return undefined;
  return [...out.values()];
}

/** A function followed by its name: a function declaration or a function held by a `const` (not a method, not a callback). */
function followable(fn: Node): string | undefined {
  if (Node.isFunctionDeclaration(fn)) return fn.getName();
  if ((Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) && Node.isVariableDeclaration(fn.getParent())) return functionName(fn);
  return undefined;
}
