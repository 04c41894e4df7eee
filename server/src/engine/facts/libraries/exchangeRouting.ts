/**
 * RabbitMQ routing, as data: which queues a message published to an exchange with a routing key
 * reaches. A queue receives it when it is bound to the exchange with a binding that matches the key:
 *
 * - `topic`: the binding pattern's words (split at `.`) match the key's; `*` stands for exactly one
 *   word and `#` for zero or more (`order.*` matches `order.created`, not `order.item.added`).
 * - `direct`: the binding key equals the routing key.
 * - `fanout`: every bound queue, whatever the key.
 * - `headers`: decided by message headers, not the key: every bound queue is taken to match.
 *
 * An exchange whose type is not seen is read with topic rules (a pattern without wildcards is then
 * an exact match, as for direct). A routing key not known statically (a parameter, a template with
 * a runtime part) may reach any bound queue.
 */

export type ExchangeType = 'topic' | 'direct' | 'fanout' | 'headers';

export const EXCHANGE_TYPES: Record<ExchangeType, { keyed: boolean }> = {
  topic: { keyed: true },
  direct: { keyed: true },
  fanout: { keyed: false },
  headers: { keyed: false },
};

export function exchangeType(name: string | undefined): ExchangeType | undefined {
  return name && name in EXCHANGE_TYPES ? (name as ExchangeType) : undefined;
}

/** Whether a binding with `pattern` on an exchange of `type` receives a message published with `key` (undefined: not known). */
export function bindingMatches(pattern: string | undefined, key: string | undefined, type: ExchangeType | undefined): boolean {
  if (type && !EXCHANGE_TYPES[type].keyed) return true;
  if (key === undefined || pattern === undefined || key.includes('?')) return true;
  if (type === 'direct') return pattern === key;
  return topicMatches(pattern.split('.'), key.split('.'));
}

function topicMatches(pattern: string[], key: string[]): boolean {
  if (!pattern.length) return !key.length;
  const [head, ...rest] = pattern;
  if (head === '#') {
    for (let skip = 0; skip <= key.length; skip++) if (topicMatches(rest, key.slice(skip))) return true;
    return false;
  }
  if (!key.length) return false;
  return (head === '*' || head === key[0]) && topicMatches(rest, key.slice(1));
}
