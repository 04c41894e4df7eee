/**
 * Workflows (sagas) with each step's action and compensation located in the
 * step's service code by name, and the recorded consistency decisions.
 */
import { Node } from 'ts-morph';
import type { SystemModel } from '../../engine/model';
import { compareText, refOf } from './source';
import type { DecisionView, Ref, WorkflowView } from './types';

export function buildWorkflows(model: SystemModel): WorkflowView[] {
  const file = model.architectureFile;
  if (!file) return [];
  return (model.architecture?.workflows ?? []).map((w): WorkflowView => ({
    name: w.name,
    kind: w.kind,
    at: { file, line: w.range.start.line },
    steps: w.steps.map((s) => ({
      name: s.name,
      service: s.service,
      action: s.action,
      compensation: s.compensation,
      at: { file, line: s.range.start.line },
      actionAt: s.action ? findFunction(model, s.action, s.service) : undefined,
      compensationAt: s.compensation ? findFunction(model, s.compensation, s.service) : undefined,
    })),
  })).sort((a, b) => compareText(a.name, b.name));
}

export function buildDecisions(model: SystemModel): DecisionView[] {
  const file = model.architectureFile;
  if (!file) return [];
  return (model.architecture?.decisions ?? []).map((d) => ({
    flow: d.flow,
    consistency: d.consistency,
    pattern: d.pattern,
    justification: d.justification?.trim() || undefined,
    tradeoff: d.tradeoff?.trim() || undefined,
    at: { file, line: d.range.start.line },
    services: [...d.services].sort(compareText),
    paths: [...d.paths],
  }));
}

/** A function, method or function-valued variable with this name in the service's files (the service's own first). */
function findFunction(model: SystemModel, name: string, service: string | undefined): Ref | undefined {
  const files = [...model.files].sort((a, b) => compareText(a.rel, b.rel));
  const inService = files.filter((f) => service && model.layout.serviceOf(f.rel)?.name === service);
  for (const f of inService.length ? inService : files) {
    let found: Node | undefined;
    f.sourceFile.forEachDescendant((node, traversal) => {
      if (found) return traversal.stop();
      if ((Node.isFunctionDeclaration(node) || Node.isMethodDeclaration(node)) && node.getName() === name && node.getBody()) found = node;
      else if (Node.isVariableDeclaration(node) && node.getName() === name) {
        const init = node.getInitializer();
        if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) found = node;
      }
      return undefined;
    });
    if (found) return refOf(model, found);
  }
  return undefined;
}
