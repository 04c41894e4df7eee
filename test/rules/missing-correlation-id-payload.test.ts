/**
 * missing-correlation-id: what the message body is.
 * - An event whose body is statically empty (not given, `null`, `undefined`, `{}`) names an event and
 *   carries no business data: there is no flow to correlate, so it is not reported, at the send or at
 *   the call sites of a publish wrapper. A request whose reply the caller waits for still is.
 * - A record built by a library's record builder (NestJS `RmqRecordBuilder(data).setOptions({ headers })
 *   .build()`, `new RmqRecord(data, options)`) carries its body and its envelope: headers set through the
 *   builder count, and a record built without them is reported like a plain message.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** The consumer of "car_state" in another service, so that the hop is seen directly. */
const PENALTIES = {
  'services/penalties/src/car-state.controller.ts': lines(
    "import { Controller } from '@nestjs/common';",
    "import { MessagePattern, Payload } from '@nestjs/microservices';",
    '@Controller()',
    'export class CarStateController {',
    "  @MessagePattern('car_state')",
    '  handle(@Payload() data: { carId: string; speed: number } | null) {',
    '    if (!data) return;',
    '    return data.speed;',
    '  }',
    '}',
  ),
};

/** The head of the fleet service's emitter (lines 1-8); its methods start at line 9. */
const EMITTER_HEAD = [
  "import { Inject, Injectable } from '@nestjs/common';", //                            1
  "import { ClientProxy, RmqRecord, RmqRecordBuilder } from '@nestjs/microservices';", // 2
  '', //                                                                                 3
  'interface CarState { carId: string; lat: number; lng: number; speed: number }', //    4
  '', //                                                                                 5
  '@Injectable()', //                                                                    6
  'export class EmitterService {', //                                                    7
  "  constructor(@Inject('FLEET') private readonly client: ClientProxy) {}", //          8
];

runRuleTests('missing-correlation-id', {
  valid: [
    {
      name: 'NestJS: an empty event (null, undefined, {}, a record of null) carries no business data to correlate',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  noCars() {',
          "    this.client.emit('car_state', null);",
          "    this.client.emit('car_state', undefined);",
          "    this.client.emit('car_state', {});",
          "    this.client.emit('car_state', new RmqRecordBuilder(null).build());",
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
    },
    {
      name: 'a publish wrapper called with an empty body',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  emitState(state: unknown) {',
          "    this.client.emit('car_state', state);",
          '  }',
          '  noCars() {',
          '    this.emitState(null);',
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
    },
    {
      name: 'amqplib: an empty body sent to another service\'s queue',
      files: {
        'services/fleet/src/ping.ts': lines(
          "import * as amqp from 'amqplib';",
          'let channel: amqp.Channel;',
          'export function ping() {',
          "  channel.sendToQueue('fleet.refresh', Buffer.from(''));",
          '}',
        ),
        'services/penalties/src/consume.ts': lines(
          "import * as amqp from 'amqplib';",
          'let channel: amqp.Channel;',
          "export const started = channel.consume('fleet.refresh', (msg) => console.log(msg));",
        ),
      },
    },
    {
      name: 'NestJS RmqRecordBuilder: a correlation id in the headers set through setOptions',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  send(state: CarState, correlationId: string) {',
          "    const record = new RmqRecordBuilder(state).setOptions({ headers: { 'x-correlation-id': correlationId }, priority: 1 }).build();",
          "    return this.client.send('car_state', record);",
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
    },
    {
      name: 'NestJS RmqRecordBuilder: a builder kept in a variable is not followed (unknown is not absent)',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  send(state: CarState, headers: Record<string, string>) {',
          '    const builder = new RmqRecordBuilder(state);',
          '    builder.setOptions({ headers });',
          "    return this.client.send('car_state', builder.build());",
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
    },
  ],
  invalid: [
    {
      name: 'NestJS: a record built without headers is a message without an id; the empty send beside it is not reported',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  async emitRandom(state: CarState | undefined) {', //                                9
          '    if (!state) {', //                                                                 10
          "      this.client.emit('car_state', null);", //                                        11
          '      return;', //                                                                     12
          '    }', //                                                                             13
          '    const record = new RmqRecordBuilder(state).build();', //                           14
          "    this.client.send('car_state', record).subscribe();", //                            15
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
      errors: [{ messageId: 'missing', line: 15, column: 17 }],
    },
    {
      name: 'NestJS: headers set through the builder without a correlation id, and a record class with options',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  send(state: CarState, tenant: string) {', //                                                                        9
          "    const record = new RmqRecordBuilder<CarState>().setData(state).setOptions({ headers: { 'x-tenant': tenant } }).build();", // 10
          "    this.client.emit('car_state', record);", //                                                                        11
          "    this.client.emit('car_state', new RmqRecord({ carId: state.carId }, { priority: 1 }));", //                        12
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
      errors: [
        { messageId: 'missing', line: 11, column: 17 },
        { messageId: 'missing', line: 12, column: 17 },
      ],
    },
    {
      name: 'a publish wrapper: the call site with a body is reported, the one with an empty body is not',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  emitState(state: unknown) {', //                     9
          "    this.client.emit('car_state', state);", //         10
          '  }', //                                               11
          '  tick(state: CarState | undefined) {', //             12
          '    if (!state) return this.emitState(null);', //      13
          '    this.emitState({ carId: state.carId });', //       14
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
      errors: [{ messageId: 'missing', line: 14, column: 10 }],
    },
    {
      name: 'a helper that passes its callers\' data through as the whole body, called twice without an id: one finding at its send, the calls related',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  emitState(state: unknown) {', //                            9
          "    return this.client.emit('car_state', state);", //         10
          '  }', //                                                      11
          '  moved(state: CarState) {', //                               12
          '    return this.emitState({ carId: state.carId, lat: state.lat });', // 13
          '  }', //                                                      14
          '  stopped(state: CarState) {', //                             15
          '    return this.emitState({ carId: state.carId, speed: 0 });', // 16
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
      errors: [{
        messageId: 'missing', line: 10, column: 24,
        related: [
          'services/fleet/src/emitter.service.ts:13:17 called from here with a message that carries no id (`emitState()`)',
          'services/fleet/src/emitter.service.ts:16:17 called from here with a message that carries no id (`emitState()`)',
        ],
      }],
    },
    {
      name: 'a wrapper\'s call that names a telemetry channel (a metrics topic) is not a business hop; its other call is',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  emit(topic: string, state: unknown) {', //                  9
          '    return this.client.emit(topic, state);', //               10
          '  }', //                                                      11
          '  moved(state: CarState) {', //                               12
          "    this.emit('car.metrics', { carId: state.carId, speed: state.speed });", // 13
          "    return this.emit('car_state', { carId: state.carId, lat: state.lat });", // 14
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
      errors: [{ messageId: 'missing', line: 14, column: 17 }],
    },
    {
      name: 'NestJS: a request with an empty body is still a step of the caller\'s flow',
      files: {
        'services/fleet/src/emitter.service.ts': lines(
          ...EMITTER_HEAD,
          '  states() {', //                                            9
          "    return this.client.send('car_state', {});", //           10
          '  }',
          '}',
        ),
        ...PENALTIES,
      },
      errors: [{ messageId: 'missing', line: 10, column: 24 }],
    },
    {
      name: 'NestJS RmqRecordBuilder through a namespace import',
      files: {
        'services/fleet/src/emitter.ts': lines(
          "import * as micro from '@nestjs/microservices';", //                                   1
          'declare const client: micro.ClientProxy;', //                                          2
          'export function send(carId: string) {', //                                             3
          "  client.emit('car_state', new micro.RmqRecordBuilder({ carId }).build());", //         4
          '}',
        ),
        ...PENALTIES,
      },
      errors: [{ messageId: 'missing', line: 4, column: 10 }],
    },
  ],
});
