/** Builds the report's topology from the engine's system model and findings. */
import * as path from 'node:path';
import type { SystemModel } from '../../engine/model';
import type { AnalysisResult } from '../../engine/api';
import { buildChannels } from './channels';
import { buildCoordination } from './coordination';
import { buildDatastores } from './datastores';
import { buildServices, tracedServices } from './services';
import { SourceLines } from './source';
import { buildApis } from './sync';
import { buildDecisions, buildWorkflows } from './workflows';
import type { Topology } from './types';
import { readOptional } from '../../engine/workspace/files';
import { describeSystem } from '../../engine/system/describe';

export type * from './types';

export function buildTopology(model: SystemModel, result: AnalysisResult): Topology {
  const lines = new SourceLines(model);
  // The one system model (what `distributed-patterns model` prints): services, channels, calls and external APIs come from it.
  const described = describeSystem(model);
  const { channels, unresolved, outboxes } = buildChannels(model, described, result.findings, lines);
  return {
    system: systemName(model),
    architectureFile: model.architectureFile,
    described,
    services: buildServices(model, described, tracedServices(model)),
    datastores: buildDatastores(model),
    channels,
    unresolvedPublishes: unresolved,
    apis: buildApis(model, lines),
    workflows: buildWorkflows(model),
    decisions: buildDecisions(model),
    coordination: buildCoordination(model),
    outboxes,
    findings: result.findings,
    rules: result.rules,
    architectureProblems: model.architectureProblems.length,
  };
}

function systemName(model: SystemModel): string {
  if (model.architecture?.system) return model.architecture.system;
  try {
    const name = JSON.parse(readOptional(path.join(model.root, 'package.json'), undefined, model.root) ?? '{}').name;
    if (typeof name === 'string' && name) return name;
  } catch {
    // no manifest
  }
  return path.basename(model.root);
}
