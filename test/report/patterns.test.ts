/**
 * The pattern matrix's consumer-side rows say what the transport table says about delivery for
 * the handlers in the row: at least once where the transport redelivers, request/response or at
 * most once otherwise, never a blanket "brokers deliver at least once".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PATTERNS, deliverySentence, patternFor } from '../../server/src/report/patterns';

test('no pattern claims that every broker delivers at least once', () => {
  for (const info of Object.values(PATTERNS)) assert.doesNotMatch(info.rationale, /brokers deliver at least once/i);
});

test('the delivery sentence follows the transport table', () => {
  assert.equal(deliverySentence([{ redelivers: true, transports: ['kafka'] }, { redelivers: true, transports: ['bullmq'] }]), 'BullMQ and Kafka deliver at least once');
  assert.equal(deliverySentence([{ redelivers: false, transports: ['nest-tcp'] }, { redelivers: false, transports: ['redis-pubsub'] }]), 'NestJS TCP transport is request/response and Redis pub/sub delivers at most once');
  assert.equal(deliverySentence([{ redelivers: true, transports: ['sqs'] }, { redelivers: undefined, transports: [] }]), 'Amazon SQS delivers at least once and the transport of 1 handler could not be read (taken to redeliver)');
});

test('an inbox on handlers nothing redelivers guards only against duplicate sends', () => {
  assert.equal(patternFor('inbox', [{ redelivers: false, transports: ['nest-tcp'] }]).rationale,
    'NestJS TCP transport is request/response: nothing redelivers, so the dedupe guards only against a producer or client that sends the same message twice.');
  assert.equal(patternFor('inbox', [{ redelivers: true, transports: ['kafka'] }]).rationale,
    'Kafka delivers at least once. Recording the message id with the effects makes a redelivery or replay a no-op.');
  assert.equal(patternFor('noRedelivery', [{ redelivers: false, transports: ['nats-core'] }]).rationale,
    'NATS core delivers at most once. Nothing redelivers a message on these transports, so a handler runs once per message sent.');
  assert.equal(patternFor('outbox', [{ redelivers: true, transports: ['kafka'] }]), PATTERNS.outbox);
});
