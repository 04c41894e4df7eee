/** Outgoing HTTP: fetch (global, node-fetch, undici), axios (and @nestjs/axios HttpService), got. */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { httpFact } from './build';
import { arg, calleeName, prop, stringValue } from '../syntax';

const fetchCall = (library: string): OperationAnalyzer => (call, a) => {
  const init = arg(call, 1);
  const method = stringValue(prop(init, 'method')) ?? (init && Node.isObjectLiteralExpression(init) && !init.getProperty('method') ? 'GET' : init ? '?' : 'GET');
  return httpFact(library, call, method, arg(call, 0), [init], a);
};

const axiosMethod = (method: string, configIndex: number): OperationAnalyzer => (call, a) =>
  httpFact('axios', call, method, arg(call, 0), [arg(call, configIndex)], a);

const axiosRequest: OperationAnalyzer = (call, a) => {
  const config = arg(call, 0);
  const urlArg = Node.isObjectLiteralExpression(config ?? call) ? prop(config, 'url') : config;
  const cfg = Node.isObjectLiteralExpression(config ?? call) ? config : arg(call, 1);
  return httpFact('axios', call, stringValue(prop(cfg, 'method')) ?? 'GET', urlArg, [cfg], a);
};

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
void calleeName;
