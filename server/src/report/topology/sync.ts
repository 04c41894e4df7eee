/**
 * Synchronous calls: every outgoing HTTP call the engine recognised, matched
 * to a declared API (by the base-URL env var the call or its file reads) or
 * to the service it targets, with the timeout, idempotency key, retry and
 * circuit breaker found beside it.
 */
import type { ArchApi } from '../../engine/architecture/model';
import type { SystemModel } from '../../engine/model';
import { CIRCUIT_BREAKER, IDEMPOTENCY_KEY, RETRY, TIMEOUT } from './mitigations';
import { compareRefs, compareText, lineRange, refOf, type SourceLines } from './source';
import type { ApiView, SyncCallView } from './types';

export function buildApis(model: SystemModel, lines: SourceLines): ApiView[] {
  const apis = model.architecture?.apis ?? [];
  const calls: SyncCallView[] = [];
  for (const f of model.facts) {
    if (f.kind !== 'http') continue;
    const at = refOf(model, f.node);
    const caller = model.serviceOf(f.node)?.name;
    const match = matchApi(apis, f.detail, f.target, caller, at.file, lines);
    const [from, to] = lineRange(model, f.node);
    calls.push({
      caller,
      target: match.api?.name ?? f.target ?? hostOf(f.detail) ?? 'unresolved target',
      api: match.api?.name,
      at,
      detail: f.detail,
      method: f.method,
      inferred: match.inferred,
      timeout: lines.find(at.file, TIMEOUT, from, to) ?? lines.find(at.file, TIMEOUT),
      idempotencyKey: lines.find(at.file, IDEMPOTENCY_KEY, from, to),
      retry: lines.find(at.file, RETRY),
      breaker: lines.find(at.file, CIRCUIT_BREAKER),
      correlation: f.correlation ?? 'unknown',
    });
  }
  calls.sort((a, b) => compareRefs(a.at, b.at));

  const views: ApiView[] = apis.map((a) => {
    const mine = calls.filter((c) => c.api === a.name);
    return {
      name: a.name, declared: true, provider: a.provider, consumers: [...a.consumers].sort(compareText),
      declaredAt: model.architectureFile ? { file: model.architectureFile, line: a.range.start.line } : undefined,
      timeoutMs: a.timeoutMs, protocol: a.protocol,
      external: a.consumers.length === 0 && mine.every((c) => c.caller === a.provider),
      calls: mine,
    };
  });
  const others = new Map<string, SyncCallView[]>();
  for (const c of calls) {
    if (c.api) continue;
    others.set(c.target, [...(others.get(c.target) ?? []), c]);
  }
  const services = new Set(model.layout.services.map((s) => s.name));
  for (const [target, list] of others) {
    const internal = services.has(target);
    views.push({
      name: internal ? `${target} (HTTP)` : target, declared: false, provider: internal ? target : undefined,
      consumers: [...new Set(list.map((c) => c.caller ?? '(no service)'))].sort(compareText),
      external: !internal, calls: list,
    });
  }
  return views.sort((a, b) => compareText(a.name, b.name));
}

function matchApi(apis: ArchApi[], detail: string, target: string | undefined, caller: string | undefined, file: string, lines: SourceLines): { api?: ArchApi; inferred: boolean } {
  for (const a of apis) {
    if (a.baseUrlEnv && detail.includes(a.baseUrlEnv)) return { api: a, inferred: false };
  }
  for (const a of apis) {
    if (a.baseUrlEnv && lines.contains(file, `env.${a.baseUrlEnv}`)) return { api: a, inferred: true };
  }
  if (target) {
    const a = apis.find((x) => x.provider === target && (!caller || x.consumers.includes(caller))) ?? apis.find((x) => x.provider === target);
    if (a) return { api: a, inferred: true };
  }
  return { inferred: false };
}

function hostOf(detail: string): string | undefined {
  return /https?:\/\/([a-z0-9-_.]+)/i.exec(detail)?.[1];
}
