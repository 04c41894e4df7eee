/** Small phrases several documents share. */
import { code, type Linker } from '../markdown';
import type { ChannelView, ConsumerView, Evidence, ProducerView, Ref } from '../topology/types';

export const NONE_FOUND = '**none found**';
export const INFERRED = '*(inferred)*';

export function evidence(link: Linker, e: Evidence | undefined, label?: string): string {
  if (!e) return '';
  return `${label ? `${label}: ` : ''}${code(e.text)} ${link.ref(e.at)}`;
}

/** At most `max` items, then "and N more". */
export function capped(items: string[], max = 4): string[] {
  if (items.length <= max) return items;
  return [...items.slice(0, max), `and ${items.length - max} more`];
}

export function refs(link: Linker, list: Ref[], max = 4): string {
  return capped(list.map((r) => link.ref(r)), max).join(', ');
}

export function channelName(name: string): string {
  return code(name);
}

export function producerText(link: Linker, p: ProducerView): string {
  const how = p.via === 'outbox' ? `outbox insert ${link.ref(p.at)}${p.relay ? `, relayed by ${link.ref(p.relay)}` : ''}` : `publish ${link.ref(p.at)}`;
  return `${p.service ?? '(no service)'}: ${how}${p.inferred ? ` ${INFERRED}` : ''}`;
}

export function consumerText(link: Linker, c: ConsumerView): string {
  return `${c.service ?? '(no service)'}: ${link.ref(c.at)}`;
}

/** "orders → payments, notifications" for a channel. */
export function flowOf(ch: ChannelView): string {
  const producers = [...new Set([...(ch.declared?.producer ? [ch.declared.producer] : []), ...ch.producerServices, ...ch.producers.map((p) => p.service ?? '?')])];
  const consumers = [...new Set([...(ch.declared?.consumers ?? []), ...ch.consumerServices, ...ch.consumers.map((c) => c.service ?? '?')])].sort();
  return `${producers.length ? producers.join(', ') : '?'} → ${consumers.length ? consumers.join(', ') : '?'}`;
}

export function dedupeKind(e: Evidence | undefined): 'inbox' | 'marker' | 'dedupe' | undefined {
  if (!e) return undefined;
  if (/INSERT|ON CONFLICT|inbox/i.test(e.text)) return 'inbox';
  if (/\bNX\b|SETNX/i.test(e.text)) return 'marker';
  return 'dedupe';
}
