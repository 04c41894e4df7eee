/**
 * Realtime pushes: a message that asks a service to push a refresh to open client connections
 * (websockets, server-sent events): `this.webSocketsQueueService.add(...)`,
 * `publisher.publish(factory.createWebSocketMessageRequestedEvent(...))`; and cache refreshes, which
 * ask replicas to drop or reload a cached copy (`client.emit('refreshCacheKey', { key, ttl })`). Losing
 * one loses a live UI refresh (or leaves a stale copy until its TTL), not state another service keeps:
 * the client reads the state on its next request, so
 * dual-write does not pair such a publish with a write, non-idempotent-consumer does not count a
 * repeated push as a repeated effect, and missing-correlation-id does not ask it for an id (a
 * refresh ends at a browser, not at a step of the business flow); see the rules' docs.
 *
 * Said from names, like telemetry channels (telemetry.ts): a word of REALTIME_WORDS in the channel
 * name (or the one a send wrapper's caller names), in the name of the receiver a call on the way publishes through, or in the name of what a
 * call on the way is given as its message (a variable, or the call that builds it, one `const`
 * deep). Property names inside a message (`{ socketId }`) do not count.
 */
import { Node } from 'ts-morph';
import type { Reached } from '../effects';
import { wordsOf } from './telemetry';
import { initializerOf } from '../syntax';
import { channelNamedAt } from '../hops';
import type { Analysis } from '../analysis';

export const REALTIME_WORDS: ReadonlySet<string> = new Set(['websocket', 'websockets', 'socket', 'sockets', 'realtime', 'sse']);

/**
 * Channel words of a cache refresh (`refreshCacheKey`, `deleteCacheKeys`, `cache-invalidate`): it asks replicas to drop
 * or reload a cached copy; losing one leaves a stale copy until its TTL, and the saved state is read again on a miss.
 * Said of channel names only: a client named `cache` (a Redis connection) publishes business events too.
 */
export const CACHE_REFRESH_WORDS: ReadonlySet<string> = new Set(['cache', 'caches']);

/** True when a (resolved) channel name names a realtime push (`SeatUpdateRealtime`, `web-sockets`) or a cache refresh. */
export function isRealtimeName(name: string | undefined): boolean {
  return hasWord(name, (w) => REALTIME_WORDS.has(w) || CACHE_REFRESH_WORDS.has(w));
}
/** The same, for the names of receivers and messages on the way: realtime words only. */
const realtime = (name: string | undefined) => hasWord(name, (w) => REALTIME_WORDS.has(w));

/** A resolved name (no `?` part) one of whose words passes `test`. */
function hasWord(name: string | undefined, test: (word: string) => boolean): boolean {
  return !!name && !name.includes('?') && wordsOf(name).some(test);
}

/** The name a call or reference goes by: `createEvent` of `this.factory.createEvent(...)`, `queue` of `this.queue`. */
function lastName(node: Node): string | undefined {
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) return lastName(node.getExpression());
  if (Node.isPropertyAccessExpression(node)) return node.getName();
  if (Node.isIdentifier(node)) return node.getText();
  return undefined;
}

/** What a message argument is named by: a variable's name and, one const deep, the call that built it. */
function messageNames(arg: Node): string[] {
  if (Node.isCallExpression(arg) || Node.isNewExpression(arg)) return [lastName(arg) ?? ''];
  if (!Node.isIdentifier(arg)) return [];
  const init = initializerOf(arg);
  return [arg.getText(), ...(init && (Node.isCallExpression(init) || Node.isNewExpression(init)) ? [lastName(init) ?? ''] : [])];
}

/** The realtime name found on the way to a publish (for the docs and tests), or undefined. */
export function realtimePush(r: Reached, analysis?: Analysis): string | undefined {
  if (r.fact.kind !== 'publish') return undefined;
  if (isRealtimeName(r.fact.channel)) return r.fact.channel;
  for (const step of [r.via, ...r.steps]) {
    const call = Node.isCallExpression(step) || Node.isNewExpression(step) ? step : step.getFirstAncestor((a) => Node.isCallExpression(a));
    if (!call || !(Node.isCallExpression(call) || Node.isNewExpression(call))) continue;
    // A send wrapper's caller names the channel (`publishToQueue('socket_emit_event', data)`), also through a wrapper of the wrapper.
    const named = r.fact.channel === undefined ? channelNamedAt(r.fact, call.getExpression(), analysis) : undefined;
    if (isRealtimeName(named)) return named;
    const callee = call.getExpression();
    const receiver = Node.isPropertyAccessExpression(callee) ? lastName(callee.getExpression()) : undefined;
    if (realtime(receiver)) return receiver;
    for (const arg of call.getArguments()) {
      const name = messageNames(arg).find(realtime);
      if (name) return name;
    }
  }
  return undefined;
}
