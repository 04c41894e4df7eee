/**
 * Outgoing HTTP beyond fetch/axios: got (`got(url, opts)`, `got.post`,
 * `got.extend({ prefixUrl })` instances), undici (`request(url, opts)`,
 * `new Client(origin).request({ path, method })`, `Pool`), and node's
 * `http`/`https` (`request(url | options, ...)`, `get`).
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { httpFact } from './build';
import { heldValue } from './staticValues';
import { arg, prop, stringValue } from '../syntax';
import { returnedBy } from '../returns';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'];

/** The options object of `got.extend({ prefixUrl, headers, hooks })` behind an instance. */
function gotInstanceOptions(call: Node): Node | undefined {
  const callee = Node.isCallExpression(call) ? call.getExpression() : undefined;
  const recv = callee && Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  if (!recv) return undefined;
  const init = heldValue(recv);
  return init && Node.isCallExpression(init) && /\.extend$/.test(init.getExpression().getText()) ? arg(init, 0) : undefined;
}

/** got: headers set in `extend({ headers | hooks })` are invisible per call, so absent becomes unknown. */
const gotCall = (method?: string): OperationAnalyzer => (call, a) => {
  const urlArg = arg(call, 0);
  const opts = urlArg && Node.isObjectLiteralExpression(urlArg) ? urlArg : arg(call, 1);
  const url = urlArg && Node.isObjectLiteralExpression(urlArg) ? prop(urlArg, 'url') : urlArg;
  const instance = gotInstanceOptions(call);
  const m = method ?? stringValue(prop(opts, 'method')) ?? 'GET';
  return httpFact('got', call, m, url, [prop(opts, 'headers'), prop(instance, 'headers')], a, {
    base: prop(instance, 'prefixUrl'), opaque: !!prop(instance, 'hooks'),
  });
};

/** undici `request(url, { method, headers })`. */
const undiciRequest: OperationAnalyzer = (call, a) => {
  const opts = arg(call, 1);
  return httpFact('undici', call, stringValue(prop(opts, 'method')) ?? 'GET', arg(call, 0), [prop(opts, 'headers')], a);
};

/** `new Client(origin).request({ path, method, headers })` / Pool: the origin is the target. */
const undiciClientRequest: OperationAnalyzer = (call, a) => {
  const opts = arg(call, 0);
  const callee = Node.isCallExpression(call) ? call.getExpression() : undefined;
  const recv = callee && Node.isPropertyAccessExpression(callee) ? callee.getExpression() : undefined;
  const init = heldValue(recv) ?? recv;
  const origin = init && Node.isNewExpression(init) ? init.getArguments()[0] : undefined;
  return httpFact('undici', call, stringValue(prop(opts, 'method')) ?? 'GET', prop(opts, 'path'), [prop(opts, 'headers')], a, { base: origin });
};

/** Options given directly, or built by a workspace helper that returns one object literal (`this.buildRequestOptions(...)`). */
function requestOptions(opts: Node | undefined): Node | undefined {
  if (!opts || !Node.isCallExpression(opts)) return opts;
  const returned = returnedBy(opts);
  const literals = returned?.values.filter((v) => Node.isObjectLiteralExpression(v)) ?? [];
  return returned && literals.length === returned.values.length && literals.length === 1 ? literals[0] : opts;
}

/**
 * `agent.request({ origin, path, method, headers })` on an undici Dispatcher (Agent, ProxyAgent, an
 * injected `Dispatcher`): the method is required there, so one the analysis cannot read stays unknown.
 */
const undiciDispatcherRequest: OperationAnalyzer = (call, a) => {
  const opts = requestOptions(arg(call, 0));
  const method = stringValue(prop(opts, 'method'));
  if (!method) return undefined;
  return httpFact('undici', call, method, prop(opts, 'path'), [prop(opts, 'headers')], a, { base: prop(opts, 'origin') });
};

/**
 * node `http.request(url, options?, cb?)` / `http.request(options, cb?)`:
 * method and headers come from the options object; host/path name the target.
 */
const nodeRequest = (fixed?: string): OperationAnalyzer => (call, a) => {
  const first = arg(call, 0);
  const optsFirst = first && Node.isObjectLiteralExpression(first);
  const opts = optsFirst ? first : arg(call, 1) && Node.isObjectLiteralExpression(arg(call, 1)!) ? arg(call, 1) : undefined;
  const url = optsFirst ? prop(first, 'hostname') ?? prop(first, 'host') : first;
  const method = fixed ?? stringValue(prop(opts, 'method')) ?? 'GET';
  const host = optsFirst ? stringValue(url) : undefined;
  return httpFact('http', call, method, url, [prop(opts, 'headers')], a, host ? { host: `http://${host}` } : {});
};

const operations: Record<string, OperationAnalyzer> = {
  'got#default|()': gotCall(),
  'got#got|()': gotCall(),
  'got.Instance|()': gotCall(),
  'undici#request|()': undiciRequest,
  'undici.Client|request': undiciClientRequest,
  'undici.Dispatcher|request': undiciDispatcherRequest,
  'http#request|()': nodeRequest(),
  'http#get|()': nodeRequest('GET'),
};
for (const m of METHODS) {
  operations[`got#got|${m}`] = gotCall(m.toUpperCase());
  operations[`got.Instance|${m}`] = gotCall(m.toUpperCase());
}

export const httpClients: LibraryTable = {
  name: 'http-clients',
  transitions: {
    'got#default|extend()': 'got.Instance',
    'got#got|extend()': 'got.Instance',
    'got.Instance|extend()': 'got.Instance',
    'got#Got|instance': 'got.Instance',
    'undici#Client|new': 'undici.Client',
    'undici#Pool|new': 'undici.Client',
    'undici#Client|instance': 'undici.Client',
    'undici#Pool|instance': 'undici.Client',
    'undici#Agent|new': 'undici.Dispatcher',
    'undici#ProxyAgent|new': 'undici.Dispatcher',
    'undici#Agent|instance': 'undici.Dispatcher',
    'undici#ProxyAgent|instance': 'undici.Dispatcher',
    'undici#Dispatcher|instance': 'undici.Dispatcher',
  },
  operations,
};
