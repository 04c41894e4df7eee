/**
 * Telemetry channels: topics and streams that carry data points about the
 * system (metrics, gauges, traces, spans, log lines, health probes) rather than business
 * messages. A flush of buffered metric rows, a sampled gauge snapshot or a
 * product-analytics event is not a step of a business flow: nobody asks it for
 * a correlation id (missing-correlation-id skips them) and it is not the state
 * change a write beside it makes (dual-write skips them); see the rules' docs.
 *
 * A channel is telemetry when a word of its name is one of TELEMETRY_WORDS:
 * words are split at separators and camelCase humps, so `in.id.metrics.m.batch`,
 * `queue-metrics:{0}` and `spansTopic` are telemetry, `geometrics`,
 * `catalogs` and `order.created` are not. When the name is not a literal
 * (`streamKey(this.def, shard)`), the words of the expression it is built from
 * count: its identifiers (`this.metricsTopic`) and the declared type names of
 * its values (`def: MetricDefinition`).
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Fact } from '../facts';
import { initializerOf } from '../syntax';
import { isFunctionBoundary } from '../effects';
import { functionName } from '../carriers';

/** Health-probe words: a liveness check that sends a ping through the broker is not a business message, nor is a function named with one (`healthCheckService`, `pingAuth`). */
const PROBE_WORDS: ReadonlySet<string> = new Set(['health', 'healthcheck', 'healthy', 'heartbeat', 'heartbeats', 'liveness', 'readiness', 'ping']);

/** Words that name a telemetry channel. Singular `trace`, `span` and `log` are left out: `order-trace`, `audit-log` may be business records. */
export const TELEMETRY_WORDS: ReadonlySet<string> = new Set([
  'metric', 'metrics', 'telemetry', 'gauge', 'gauges', 'traces', 'spans', 'logs', 'otel', 'otlp', 'statsd', 'analytics',
  ...PROBE_WORDS,
]);

/**
 * True when the node runs in a function or method named as a health probe (`healthCheckService(client,
 * Pattern.isHealthy)` pinging each service with `client.send`): what it sends checks that a service
 * answers, it is no step of a business flow.
 */
export function inProbe(node: Node): boolean {
  for (let fn = node.getFirstAncestor(isFunctionBoundary); fn; fn = fn.getFirstAncestor(isFunctionBoundary)) {
    const name = functionName(fn);
    if (name && wordsOf(name).some((w) => PROBE_WORDS.has(w))) return true;
  }
  return false;
}

/** The words of a name: split at non-letters and camelCase humps, lower case (`queueMetrics:{0}` → queue, metrics). */
export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
}

export function isTelemetryName(name: string): boolean {
  return wordsOf(name).some((w) => TELEMETRY_WORDS.has(w));
}

/**
 * Whether a publish goes to a telemetry channel, and why (for the docs and tests): a literal
 * channel name with a telemetry word (every alternative of `a | b`), or, when the name is not
 * a literal, a telemetry word in what its expression is built from.
 */
export function telemetryChannel(fact: Fact): string | undefined {
  const names = (fact.channel ?? '').split(/\s*\|\s*|,\s*/).map((n) => n.trim()).filter(Boolean);
  const resolved = names.length > 0 && names.every((n) => !n.includes('?') && !n.includes('${'));
  if (resolved) return names.every(isTelemetryName) ? names.join(' | ') : undefined;
  // A partly known name (`metrics.?`): its literal part decides when it names telemetry.
  const literal = names.map((n) => n.replace(/\$\{[^}]*\}|\?/g, ' ')).join(' ');
  if (literal.trim() && isTelemetryName(literal)) return fact.channel;
  return fact.channelNode ? telemetryExpression(fact.channelNode) : undefined;
}

const MAX_FOLLOW = 2;

/** A telemetry word among the identifiers and declared type names the channel expression is built from. */
function telemetryExpression(node: Node): string | undefined {
  const seen = new Set<Node>();
  const visit = (n: Node, depth: number): string | undefined => {
    if (seen.has(n)) return undefined;
    seen.add(n);
    for (const part of [n, ...n.getDescendants()]) {
      if (Node.isStringLiteral(part) || Node.isNoSubstitutionTemplateLiteral(part)) {
        if (isTelemetryName(part.getLiteralValue())) return part.getText();
        continue;
      }
      if (!Node.isIdentifier(part) && !Node.isPropertyAccessExpression(part)) continue;
      if (Node.isIdentifier(part) && isTelemetryName(part.getText())) return part.getText();
      const type = typeName(part);
      if (type && isTelemetryName(type)) return `${part.getText()}: ${type}`;
      if (depth < MAX_FOLLOW && (Node.isIdentifier(part) || Node.isPropertyAccessExpression(part))) {
        const init = initializerOf(part);
        const found = init ? visit(init, depth + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(node, 0);
}

/** The declared name of a value's type (`MetricDefinition`), workspace types only; undefined for primitives and anonymous types. */
function typeName(node: Node): string | undefined {
  if (node.getKind() === SyntaxKind.ThisKeyword) return undefined;
  try {
    const type = node.getType();
    const symbol = type.getAliasSymbol() ?? type.getSymbol();
    const decl = symbol?.getDeclarations()[0];
    if (!symbol || !decl || decl.getSourceFile().isDeclarationFile()) return undefined;
    const name = symbol.getName();
    return name.startsWith('__') ? undefined : name;
  } catch {
    return undefined;
  }
}
