/**
 * STOMP clients (ActiveMQ, Artemis, RabbitMQ's STOMP plugin): stompit and @stomp/stompjs.
 * - stompit: the client a `connect(options, (error, client) => ...)` callback receives (also from
 *   `new ConnectFailover(servers).connect(...)`), or a field declared `Client`; `client.send({
 *   destination, ...headers })` returns the frame the body is then written to; `client.subscribe({
 *   destination, ack }, (error, message) => ...)`.
 * - @stomp/stompjs: `new Client({ brokerURL })` (or `Stomp.over(socket)`); `client.publish({
 *   destination, body, headers })`; `client.subscribe(destination, (message) => ..., headers)`.
 * A subscription acknowledged by the client (`ack: 'client'` / `'client-individual'`) is delivered
 * again when it is not acknowledged; the default, `auto`, is not.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, optionKeyNode, prop, stringValue } from '../syntax';

const CLIENT_ACK = /^client(-individual)?$/;

function transportOf(headers: Node | undefined): 'stomp-ack' | 'stomp-auto' {
  const ack = stringValue(prop(headers, 'ack'));
  return ack && CLIENT_ACK.test(ack) ? 'stomp-ack' : 'stomp-auto';
}

/** stompit `client.send(headers)`: the headers carry the destination and any correlation header; the body is written later. */
const stompitSend: OperationAnalyzer = (call) => {
  const headers = arg(call, 0);
  const destination = prop(headers, 'destination');
  const name = stringValue(destination);
  return publishFact('stompit', call, `client.send to "${name ?? '?'}"`, name, [headers], { channelNode: destination, opaque: true });
};

const stompitSubscribe: OperationAnalyzer = (call, analysis) => {
  const headers = arg(call, 0);
  const name = stringValue(prop(headers, 'destination'));
  const callback = arg(call, 1);
  return consumerFact('stompit', call, callback ? optionKeyNode(callback) : calleeName(call), analysis.functionFrom(callback), name,
    `STOMP subscription to "${name ?? '?'}"`, transportOf(headers));
};

/** @stomp/stompjs `client.publish({ destination, body, headers })`. */
const stompjsPublish: OperationAnalyzer = (call) => {
  const params = arg(call, 0);
  const destination = prop(params, 'destination');
  const name = stringValue(destination);
  const body = prop(params, 'body');
  return publishFact('@stomp/stompjs', call, `client.publish to "${name ?? '?'}"`, name, [prop(params, 'headers'), body],
    { channelNode: destination, payload: { node: body } });
};

const stompjsSubscribe: OperationAnalyzer = (call, analysis) => {
  const destination = arg(call, 0);
  const name = stringValue(destination);
  const callback = arg(call, 1);
  return consumerFact('@stomp/stompjs', call, callback ? optionKeyNode(callback) : calleeName(call), analysis.functionFrom(callback), name,
    `STOMP subscription to "${name ?? '?'}"`, transportOf(arg(call, 2)));
};

export const stomp: LibraryTable = {
  name: 'stomp',
  transitions: {
    'stompit#*|connect():param1': 'stompit.Client',
    'stompit#default|connect():param1': 'stompit.Client',
    'stompit#ConnectFailover|new': 'stompit.Failover',
    'stompit.Failover|connect():param1': 'stompit.Client',
    'stompit#Client|instance': 'stompit.Client',
    'stompit#Client|new': 'stompit.Client',
    '@stomp/stompjs#Client|new': 'stompjs.Client',
    '@stomp/stompjs#Client|instance': 'stompjs.Client',
    '@stomp/stompjs#CompatClient|instance': 'stompjs.Client',
    '@stomp/stompjs#Stomp|over()': 'stompjs.Client',
  },
  operations: {
    'stompit.Client|send': stompitSend,
    'stompit.Client|subscribe': stompitSubscribe,
    'stompjs.Client|publish': stompjsPublish,
    'stompjs.Client|subscribe': stompjsSubscribe,
  },
};
