/** Services as the report shows them: declared or inferred, owner, why, tracing. */
import type { SystemModel } from '../../engine/model';
import { compareText } from './source';
import type { ServiceView } from './types';

export function buildServices(model: SystemModel, traced: Set<string>): ServiceView[] {
  const declared = new Map((model.architecture?.services ?? []).map((s) => [s.name, s]));
  return model.layout.services.map((s): ServiceView => {
    const arch = declared.get(s.name);
    return {
      name: s.name,
      owner: s.owner,
      why: arch?.why,
      inferred: s.inferred,
      paths: [...s.paths],
      declaredAt: arch && model.architectureFile ? { file: model.architectureFile, line: arch.range.start.line } : undefined,
      origin: s.origin,
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
