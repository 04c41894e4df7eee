/**
 * missing-correlation-id: messages that carry only entity ids (`orderId`, `uuid`, a DTO with a
 * `projectId`). An entity id names what the flow acts on, not the flow, so by default the message is
 * still reported and says which ids it carries; with `allowEntityIds: true` (teams that trace by entity
 * ids) it is not. An id minted for the message itself (`id: randomUUID()`) and words that merely end in
 * "id" (`paid`, `valid`) are not entity ids.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const ALLOW_ENTITY_IDS = { 'architecture.yaml': lines('version: 1', 'rules:', '  missing-correlation-id: [warning, { allowEntityIds: true }]') };

/** The orders service's NestJS client (lines 1-9); its methods start at line 10. */
const ORDERS_HEAD = [
  "import { Inject, Injectable } from '@nestjs/common';", //                     1
  "import { ClientProxy } from '@nestjs/microservices';", //                     2
  "import { randomUUID } from 'node:crypto';", //                                3
  '', //                                                                          4
  'class RefundDto { projectId!: string; amount!: number }', //                 5
  'interface Totals { amount: number; paid: boolean; valid: boolean }', //       6
  '@Injectable()', //                                                             7
  'export class OrdersService {', //                                              8
  "  constructor(@Inject('EVENTS') private readonly events: ClientProxy) {}", // 9
];

/** The same sends, one per method (lines 10-22). */
const SENDS = [
  '  placed(orderId: string, total: number) {', //                                 10
  "    return this.events.emit('order.placed', { orderId, total });", //           11
  '  }', //                                                                         12
  '  refund(dto: RefundDto) {', //                                                  13
  "    return this.events.emit('order.refund', dto);", //                          14
  '  }', //                                                                         15
  '  totals(t: Totals) {', //                                                       16
  "    return this.events.emit('order.totals', { id: randomUUID(), paid: t.paid, valid: t.valid, amount: t.amount });", // 17
  '  }', //                                                                         18
  '  cancel(order: { uuid: string }) {', //                                         19
  "    return this.events.emit('order.cancelled', { uuid: order.uuid });", //      20
  '  }', //                                                                         21
  '}', //                                                                            22
];

/** A consumer of every pattern in the billing service, so each send is a hop. */
const BILLING = {
  'services/billing/src/orders.controller.ts': lines(
    "import { Controller } from '@nestjs/common';",
    "import { EventPattern } from '@nestjs/microservices';",
    '@Controller()',
    'export class OrdersController {',
    "  @EventPattern('order.placed') placed() { return 1; }",
    "  @EventPattern('order.refund') refund() { return 1; }",
    "  @EventPattern('order.totals') totals() { return 1; }",
    "  @EventPattern('order.cancelled') cancelled() { return 1; }",
    '}',
  ),
};

/** A publish wrapper whose callers build the body (lines 10-19). */
const WRAPPER = [
  '  emit(pattern: string, body: unknown) {', //                 10
  '    return this.events.emit(pattern, body);', //              11
  '  }', //                                                      12
  '  placed(order: { id: string }) {', //                        13
  "    return this.emit('order.placed', { uuid: order.id });", // 14
  '  }', //                                                      15
  '  totals(amount: number) {', //                               16
  "    return this.emit('order.totals', { amount });", //        17
  '  }', //                                                      18
  '}', //                                                        19
];

runRuleTests('missing-correlation-id', {
  valid: [
    {
      name: 'allowEntityIds: messages that carry an entity id (a field, a DTO type\'s field) are tied to their flow',
      files: {
        'services/orders/src/orders.service.ts': lines(...ORDERS_HEAD, ...SENDS.slice(0, 6), ...SENDS.slice(9)),
        ...BILLING,
        ...ALLOW_ENTITY_IDS,
      },
    },
  ],
  invalid: [
    {
      name: 'by default an entity id is not a correlation id: reported, and the message names the ids it carries',
      files: {
        'services/orders/src/orders.service.ts': lines(...ORDERS_HEAD, ...SENDS),
        ...BILLING,
      },
      errors: [
        { messageId: 'missing', line: 11, column: 24, messageIncludes: 'carries no correlation or causation id (only `orderId`, which names the entity it acts on, not the flow)' },
        { messageId: 'missing', line: 14, column: 24, messageIncludes: '(only `projectId`, which names the entity it acts on, not the flow)' },
        { messageId: 'missing', line: 17, column: 24, messageIncludes: 'carries no correlation or causation id, so this hop' },
        { messageId: 'missing', line: 20, column: 24, messageIncludes: '(only `uuid`, which names the entity it acts on, not the flow)' },
      ],
    },
    {
      name: 'allowEntityIds: an id minted for the message and words ending in "id" (paid, valid) tie it to nothing',
      files: {
        'services/orders/src/orders.service.ts': lines(...ORDERS_HEAD, ...SENDS),
        ...BILLING,
        ...ALLOW_ENTITY_IDS,
      },
      errors: [{ messageId: 'missing', line: 17, column: 24 }],
    },
    {
      name: 'allowEntityIds: at a publish wrapper\'s call sites, only the caller whose body carries no entity id is reported',
      files: {
        'services/orders/src/orders.service.ts': lines(...ORDERS_HEAD, ...WRAPPER),
        ...BILLING,
        ...ALLOW_ENTITY_IDS,
      },
      errors: [{ messageId: 'missing', line: 17, column: 17 }],
    },
    {
      name: 'by default both callers lack a correlation id: one finding at the wrapper\'s send',
      files: {
        'services/orders/src/orders.service.ts': lines(...ORDERS_HEAD, ...WRAPPER),
        ...BILLING,
      },
      // Two callers pass a body without a correlation id through the wrapper: one finding at its send. Only one of
      // them carries an entity id, so the message does not claim that the message carries one.
      errors: [{ messageId: 'missing', line: 11, column: 24, messageIncludes: 'carries no correlation or causation id, so this hop' }],
    },
  ],
});
