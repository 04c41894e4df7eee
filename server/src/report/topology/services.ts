/** Services as the report shows them: the deployables of the system model, with the architecture file's owner and why. */
import type { SystemModel } from '../../engine/model';
import type { SystemDescription } from '../../engine/system/describe';
import { compareText } from './source';
import type { ServiceView } from './types';

export function buildServices(model: SystemModel, described: SystemDescription, traced: Set<string>): ServiceView[] {
  const declared = new Map((model.architecture?.services ?? []).map((s) => [s.name, s]));
  const layout = new Map(model.layout.services.map((s) => [s.name, s]));
  return described.services.map((s): ServiceView => {
    const arch = declared.get(s.name);
    const info = layout.get(s.name);
    return {
      name: s.name,
      owner: info?.owner,
      why: arch?.why,
      inferred: s.inferred,
      kind: s.kind,
      paths: info ? [...info.paths] : [s.root],
      evidence: s.evidence.map((e) => ({ ...e })),
      declaredAt: arch && model.architectureFile ? { file: model.architectureFile, line: arch.range.start.line } : undefined,
      origin: info?.origin ?? s.evidence[0]?.file ?? s.root,
      tracing: traced.has(s.name),
    };
  }).sort((a, b) => compareText(a.name, b.name));
}

/** Services whose code registers OpenTelemetry auto-instrumentation. */
export function tracedServices(model: SystemModel): Set<string> {
  const out = new Set<string>();
  for (const f of model.files) {
    const svc = model.layout.serviceOf(f.rel);
    if (!svc) continue;
    const traced = f.sourceFile.getImportDeclarations().some((d) => /^@opentelemetry\/(auto-instrumentations|instrumentation-)/.test(d.getModuleSpecifierValue()));
    if (traced) out.add(svc.name);
  }
  return out;
}
