/**
 * tRPC clients: `createTRPCClient<AppRouter>({ links: [httpBatchLink({ url, headers })] })` (and
 * `createTRPCProxyClient`), called as `client.email.sendWelcome.mutate(input)` or
 * `client.user.byId.query(input)`. Each call is an HTTP request to the server the link's `url` names:
 * a mutation is a POST that changes something there, a query a GET. The headers the link sets on
 * every request (`headers() { return { ... } }`) are the call's carriers.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { httpFact } from './build';
import { heldValue } from './staticValues';
import { arg, prop } from '../syntax';

/** Links that send over HTTP, whose options name the server (`url`) and the headers. */
const HTTP_LINK = /^(httpBatchLink|httpLink|httpBatchStreamLink|unstable_httpBatchStreamLink)$/;

/** The `createTRPCClient(...)` call behind a procedure path (`client.email.send`, `this.api.user.byId`). */
function clientCreation(call: Node): Node | undefined {
  const callee = Node.isCallExpression(call) ? call.getExpression() : undefined;
  let root: Node | undefined = callee && Node.isPropertyAccessExpression(callee) ? callee.getExpression() : undefined;
  while (root && Node.isPropertyAccessExpression(root) && !Node.isThisExpression(root.getExpression())) root = root.getExpression();
  const init = heldValue(root);
  return init && Node.isCallExpression(init) ? init : undefined;
}

/** The options of the first HTTP link of the client (`httpBatchLink({ url, headers })`). */
function httpLinkOptions(creation: Node | undefined): Node | undefined {
  const links = prop(creation && arg(creation, 0), 'links');
  if (!links || !Node.isArrayLiteralExpression(links)) return undefined;
  for (const el of links.getElements()) {
    if (Node.isCallExpression(el) && HTTP_LINK.test(el.getExpression().getText().replace(/^.*\./, ''))) return arg(el, 0);
  }
  return undefined;
}

/** The object the link's `headers` give: the object itself, or what `headers()` returns. */
function headersObject(headers: Node | undefined): Node | undefined {
  if (!headers || Node.isObjectLiteralExpression(headers)) return headers;
  const fn = Node.isMethodDeclaration(headers) || Node.isArrowFunction(headers) || Node.isFunctionExpression(headers) ? headers : undefined;
  const body = fn?.getBody();
  if (!body) return headers;
  if (!Node.isBlock(body)) return Node.isParenthesizedExpression(body) ? body.getExpression() : body;
  const returns = body.getStatements().filter(Node.isReturnStatement);
  return returns.length === 1 ? returns[0].getExpression() : headers;
}

/** The procedure path of the call (`email.sendWelcome`). */
function procedurePath(call: Node): string {
  const callee = Node.isCallExpression(call) ? call.getExpression() : undefined;
  const names: string[] = [];
  let e = callee && Node.isPropertyAccessExpression(callee) ? callee.getExpression() : undefined;
  while (e && Node.isPropertyAccessExpression(e) && !Node.isThisExpression(e.getExpression())) {
    names.unshift(e.getName());
    e = e.getExpression();
  }
  return names.join('.');
}

const procedureCall = (kind: 'mutate' | 'query'): OperationAnalyzer => (call, a) => {
  const link = httpLinkOptions(clientCreation(call));
  const url = prop(link, 'url');
  const method = kind === 'mutate' ? 'POST' : 'GET';
  const fact = httpFact('trpc', call, method, url, [headersObject(prop(link, 'headers'))], a, { opaque: !link });
  return { ...fact, detail: `tRPC ${kind === 'mutate' ? 'mutation' : 'query'} ${procedurePath(call)}`.trim() };
};

export const trpc: LibraryTable = {
  name: 'trpc',
  transitions: {
    '@trpc/client#createTRPCClient|()': 'trpc.Client',
    '@trpc/client#createTRPCProxyClient|()': 'trpc.Client',
    // A procedure path (`client.email.sendWelcome`) is the client narrowed to a router, then a procedure.
    'trpc.Client|.*': 'trpc.Client',
  },
  operations: {
    'trpc.Client|mutate': procedureCall('mutate'),
    'trpc.Client|query': procedureCall('query'),
  },
};
