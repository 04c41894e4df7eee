/** Outgoing HTTP: fetch (global, node-fetch, undici), axios (and @nestjs/axios HttpService), got. */
import { Node, SyntaxKind, type PropertyAccessExpression } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { httpFact } from './build';
import { variableOf } from './staticValues';
import type { Analysis } from '../analysis';
import { arg, initializerOf, prop, receiver, stringValue } from '../syntax';

const fetchCall = (library: string): OperationAnalyzer => (call, a) => {
  const init = arg(call, 1);
  const method = stringValue(prop(init, 'method')) ?? (init && Node.isObjectLiteralExpression(init) && !init.getProperty('method') ? 'GET' : init ? '?' : 'GET');
  return httpFact(library, call, method, arg(call, 0), [init], a);
};

const axiosMethod = (method: string, configIndex: number): OperationAnalyzer => (call, a) =>
  httpFact('axios', call, method, arg(call, 0), [arg(call, configIndex)], a, axiosInstance(call, a));

const axiosRequest: OperationAnalyzer = (call, a) => {
  const config = arg(call, 0);
  const urlArg = Node.isObjectLiteralExpression(config ?? call) ? prop(config, 'url') : config;
  const cfg = Node.isObjectLiteralExpression(config ?? call) ? config : arg(call, 1);
  return httpFact('axios', call, stringValue(prop(cfg, 'method')) ?? 'GET', urlArg, [cfg], a, axiosInstance(call, a));
};

/**
 * What the axios instance a call runs on adds: the `baseURL` of
 * `axios.create({ baseURL })`, and whether a request interceptor is
 * registered on it (or on the default instance), which may set headers.
 */
function axiosInstance(call: Node, a: Analysis): { base?: Node; opaque: boolean } {
  const recv = receiver(call);
  const recvType = recv ? a.typeOf(recv) : 'axios#default';
  const decl = recv && Node.isIdentifier(recv) ? variableOf(recv) : undefined;
  let init: Node | undefined = decl?.getInitializer();
  if (!init && recv && Node.isPropertyAccessExpression(recv)) init = initializerOf(recv);
  while (init && (Node.isAwaitExpression(init) || Node.isParenthesizedExpression(init) || Node.isAsExpression(init))) init = init.getExpression();
  const created = init && Node.isCallExpression(init) && Node.isPropertyAccessExpression(init.getExpression()) &&
    (init.getExpression() as PropertyAccessExpression).getName() === 'create' ? init : undefined;
  const base = created ? prop(arg(created, 0), 'baseURL') : undefined;
  const intercepted = interceptedInstances(call, a);
  const opaque = recvType === 'axios#default'
    ? intercepted.global
    : intercepted.any || (!!decl && intercepted.instances.has(decl));
  return { base, opaque };
}

interface Interceptors {
  /** An interceptor on the default `axios` instance. */
  global: boolean;
  /** Instances (by declaration) with an interceptor. */
  instances: Set<Node>;
  /** An interceptor on an instance the analysis cannot name (`this.http.axiosRef`): every instance may have one. */
  any: boolean;
}

/** The one key of the interceptor index: every registration counts for every axios call. */
const INTERCEPTORS = {};

type Registration = { global: true } | { instance: Node } | { any: true };

/** `x.interceptors` anywhere in the workspace; the calling file's facts depend on them. */
function interceptedInstances(call: Node, a: Analysis): Interceptors {
  const registrations = a.index<Registration>('axios-interceptors', /interceptors/, (sf) => {
    const found: [object, Registration][] = [];
    for (const access of sf.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
      if (access.getName() !== 'interceptors') continue;
      const owner = access.getExpression();
      const t = a.typeOf(owner);
      const decl = Node.isIdentifier(owner) ? variableOf(owner) : undefined;
      if (t === 'axios#default') found.push([INTERCEPTORS, { global: true }]);
      else if (decl) found.push([INTERCEPTORS, { instance: decl }]);
      else if (t === 'axios.Instance') found.push([INTERCEPTORS, { any: true }]);
    }
    return found;
  }).get(INTERCEPTORS, call.getSourceFile());
  const out: Interceptors = { global: false, instances: new Set(), any: false };
  for (const r of registrations) {
    if ('global' in r) out.global = true;
    else if ('instance' in r) out.instances.add(r.instance);
    else out.any = true;
  }
  return out;
}

function axiosOps(type: string): Record<string, OperationAnalyzer> {
  return {
    [`${type}|get`]: axiosMethod('GET', 1),
    [`${type}|delete`]: axiosMethod('DELETE', 1),
    [`${type}|head`]: axiosMethod('HEAD', 1),
    [`${type}|post`]: axiosMethod('POST', 2),
    [`${type}|put`]: axiosMethod('PUT', 2),
    [`${type}|patch`]: axiosMethod('PATCH', 2),
    [`${type}|request`]: axiosRequest,
  };
}

const gotMethod = (method: string): OperationAnalyzer => (call, a) => httpFact('got', call, method, arg(call, 0), [arg(call, 1)], a);

export const http: LibraryTable = {
  name: 'http',
  transitions: {
    'axios#default|create()': 'axios.Instance',
    'axios#AxiosInstance|instance': 'axios.Instance',
    '@nestjs/axios#HttpService|instance': 'axios.Instance',
    '@nestjs/axios#HttpService|.axiosRef': 'axios.Instance',
    'axios.Instance|.axiosRef': 'axios.Instance',
  },
  operations: {
    'global#fetch|()': fetchCall('fetch'),
    'node-fetch#default|()': fetchCall('node-fetch'),
    'undici#fetch|()': fetchCall('undici'),
    'axios#default|()': axiosRequest,
    ...axiosOps('axios#default'),
    ...axiosOps('axios.Instance'),
    'got#default|post': gotMethod('POST'),
    'got#default|put': gotMethod('PUT'),
    'got#default|patch': gotMethod('PATCH'),
    'got#default|get': gotMethod('GET'),
    'got#default|delete': gotMethod('DELETE'),
  },
};
