/** RabbitMQ routing: which binding patterns receive a routing key, per exchange type. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingMatches } from '../../server/src/engine/facts/libraries/exchangeRouting';

test('topic patterns: `*` is one word, `#` zero or more', () => {
  assert.equal(bindingMatches('order.*', 'order.created', 'topic'), true);
  assert.equal(bindingMatches('order.*', 'order.item.added', 'topic'), false);
  assert.equal(bindingMatches('order.#', 'order.item.added', 'topic'), true);
  assert.equal(bindingMatches('order.#', 'order', 'topic'), true);
  assert.equal(bindingMatches('#.failed', 'payment.capture.failed', 'topic'), true);
  assert.equal(bindingMatches('*.created', 'order.created', undefined), true);
  assert.equal(bindingMatches('payment.*', 'order.created', undefined), false);
});

test('direct needs the same key; fanout and headers take any key; an unknown key may reach any binding', () => {
  assert.equal(bindingMatches('order.*', 'order.created', 'direct'), false);
  assert.equal(bindingMatches('order.created', 'order.created', 'direct'), true);
  assert.equal(bindingMatches('', 'post.liked', 'fanout'), true);
  assert.equal(bindingMatches('x', 'y', 'headers'), true);
  assert.equal(bindingMatches('payment.*', undefined, 'topic'), true);
  assert.equal(bindingMatches('payment.*', 'order.?', 'topic'), true);
});
