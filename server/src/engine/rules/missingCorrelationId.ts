import { Node } from 'ts-morph';
import { createRule } from './createRule';
import { correlationKeyOf, isFreshId } from '../facts/libraries/build';
import type { Fact } from '../facts/facts';
import { addCorrelationFix, propagateCorrelationFix } from '../fixes/correlation';
import { correlationAtCallSites } from '../facts/carriers';

const PER_HOP_KEY = /request[-_]?id/i;

export const missingCorrelationId = createRule({
  id: 'missing-correlation-id',
  description: 'Messages and cross-service calls must carry a correlation id, and handlers must propagate the incoming one.',
  defaultSeverity: 'warning',
  fixes: ['Add correlation and causation ids', 'Propagate the incoming correlation id'],
  messages: {
    missing: {
      message: '{{what}} carries no correlation or causation id{{tracing}}, so this hop cannot be tied to the business flow that caused it when tracing a failure or a duplicate.',
      hint: 'Add correlation-id and causation-id headers{{source}}.',
    },
    notPropagated: {
      message: '{{what}} inside a message handler starts a new correlation id instead of propagating the incoming message\'s, so the flow splits into unrelated traces here.',
      hint: 'Copy the correlation id from the incoming message and set the causation id to the incoming message id.',
    },
  },
  check({ model, report }) {
    const inHandler = new Set<Fact>();
    for (const consumer of model.facts) {
      if (consumer.kind !== 'consumer' || !consumer.handler) continue;
      for (const r of model.effects.of(consumer.handler)) inHandler.add(r.fact);
    }
    const seen = new Set<Node>();
    for (const fact of model.facts) {
      const relevant = fact.kind === 'publish' || (fact.kind === 'http' && fact.target !== undefined);
      if (!relevant || seen.has(fact.node)) continue;
      seen.add(fact.node);
      const what = fact.kind === 'http' ? `The call to service "${fact.target}" (\`${fact.detail}\`)` : `The message sent by \`${fact.detail}\``;
      // A publish wrapper with callers: the message is built by them, and findings belong there.
      const sites = fact.carrierParams?.length ? correlationAtCallSites(fact, model.analysis) : [];
      if (sites.length) {
        for (const site of sites) {
          if (site.correlation !== 'absent' || seen.has(site.node)) continue;
          seen.add(site.node);
          report({
            messageId: 'missing',
            data: {
              what: `The message sent through \`${site.wrapper}()\` (\`${fact.detail}\`)`,
              tracing: model.hasTracing(site.node) ? ' (OpenTelemetry propagates the trace context, but not a business correlation id)' : '',
              source: '',
            },
            location: model.locationOf(site.node),
            snippet: `${site.wrapper}|${fact.detail}`,
          });
        }
      } else if (fact.correlation === 'absent') {
        report({
          messageId: 'missing',
          data: {
            what,
            tracing: model.hasTracing(fact.node) ? ' (OpenTelemetry propagates the trace context, but not a business correlation id)' : '',
            source: inHandler.has(fact) ? ', copied from the incoming message' : '',
          },
          location: model.locationOf(fact.node),
          snippet: fact.detail,
          inferred: fact.kind === 'http' && !model.architecture,
          fixes: () => addCorrelationFix(model, fact),
        });
      } else if (fact.correlation === 'present' && inHandler.has(fact) && (fact.correlationValues ?? []).some((v) => isFreshId(v) && !isPerHopKey(v))) {
        report({
          messageId: 'notPropagated', data: { what }, location: model.locationOf(fact.node), snippet: fact.detail,
          fixes: () => propagateCorrelationFix(model, fact),
        });
      }
    }
  },
});

/** A request id is minted per hop (`x-request-id: randomUUID()`); the correlation and causation ids are the ones to carry over. */
function isPerHopKey(value: Node): boolean {
  const key = correlationKeyOf(value);
  return !!key && PER_HOP_KEY.test(key) && !/correlation|causation|conversation/i.test(key);
}


