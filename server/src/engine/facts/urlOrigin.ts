/**
 * The origin (scheme, host and port) of an outgoing URL expression, which is
 * what names the server an HTTP call goes to. Only what stands in the origin
 * position counts: `https://graph.facebook.com/oauth?client_id=${process.env.APP_ID}`
 * goes to graph.facebook.com whatever env vars the path or query reads, while
 * `${process.env.ORDERS_URL}/orders` goes wherever ORDERS_URL points.
 *
 * Templates, `+` concatenation, consts and properties they are built from,
 * `new URL(path, base)` and `url.href` / `url.toString()` are followed.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { initializerOf } from './syntax';
import { envVarsIn } from './envReads';
import { nodesOfKinds } from './walk';

export type UrlOrigin =
  /** `scheme://host[:port]` written in the code. */
  | { kind: 'literal'; origin: string }
  /** The origin is the value of an expression (an env var, a config value, a base URL constant or parameter). */
  | { kind: 'expr'; node: Node }
  /** A path without an origin (`/orders`): the client's base URL decides. */
  | { kind: 'relative' }
  /** Not a URL the analysis can take apart. */
  | { kind: 'unknown' };

const MAX_FOLLOW = 3;
/** A written origin followed by a delimiter (`/`, `?`, `#`) or the end of the URL. */
const ORIGIN = /^([a-z][a-z0-9+.-]*:)?\/\/[^/?#]*/i;

type Part = string | Node;

/** The origin of the URL `node` evaluates to. */
export function urlOrigin(node: Node | undefined, depth = 0): UrlOrigin {
  if (!node) return { kind: 'unknown' };
  const parts = withoutCredentials(partsOf(node, depth).filter((p) => p !== ''));
  // `${protocol}://${host}/x`: the scheme is no server; the host after it is.
  if (typeof parts[0] !== 'string' && typeof parts[1] === 'string' && parts[1].startsWith('://')) parts[0] = 'scheme';
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      const m = ORIGIN.exec(text);
      if (m && m[0].length < text.length) return { kind: 'literal', origin: m[0] };
      continue;
    }
    if (!text) {
      // The URL starts with an expression: it is the origin, or it is a URL whose origin it has.
      const inner = nestedUrl(part, depth);
      return inner ?? { kind: 'expr', node: part };
    }
    const m = ORIGIN.exec(text);
    if (!m) return text.startsWith('/') ? { kind: 'relative' } : { kind: 'unknown' };
    // `http://${host}/x` or `https://api.${domain}`: the host is (partly) the expression's value.
    const host = m[0].replace(/^[^/]*\/\//, '').replace(/:$/, '');
    if (!host || /[.-]$/.test(host) || host.includes('@')) return { kind: 'expr', node: part };
    // `http://localhost:${port}/x`, `'https://api.stripe.com' + path`: the host is written.
    return { kind: 'literal', origin: m[0].replace(/:$/, '') };
  }
  if (!text) return { kind: 'unknown' };
  if (ORIGIN.test(text)) return { kind: 'literal', origin: ORIGIN.exec(text)![0] };
  return text.startsWith('/') ? { kind: 'relative' } : { kind: 'unknown' };
}

/**
 * The parts of a URL without the credentials before its host: `https://api:${key}@api.mailgun.net/x`
 * is `https://api.mailgun.net/x` (the user name `api` is no host, and `${key}` no port).
 */
function withoutCredentials(parts: Part[]): Part[] {
  const first = parts[0];
  const scheme = typeof first === 'string' ? /^([a-z][a-z0-9+.-]*:)?\/\//i.exec(first)?.[0] : undefined;
  if (!scheme) return parts;
  let seen = (first as string).slice(scheme.length);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const text = i === 0 ? seen : typeof part === 'string' ? part : '';
    if (i > 0 && typeof part !== 'string') continue;
    const at = text.search(/[@/?#]/);
    if (at >= 0 && text[at] === '@') return [scheme + text.slice(at + 1), ...parts.slice(i + 1)].filter((p) => p !== '');
    if (at >= 0) return parts;
    if (i === 0) seen = '';
  }
  return parts;
}

/** `new URL(path, base)`, `url.href`, `url.toString()`: the origin of the URL object. */
function nestedUrl(node: Node, depth: number): UrlOrigin | undefined {
  if (depth >= MAX_FOLLOW) return undefined;
  if (Node.isNewExpression(node) && node.getExpression().getText() === 'URL') {
    const [path, base] = node.getArguments();
    const own = urlOrigin(path, depth + 1);
    if (own.kind === 'relative' || (own.kind === 'unknown' && base)) return base ? urlOrigin(base, depth + 1) : own;
    return own;
  }
  if (Node.isPropertyAccessExpression(node) && /^(href|origin)$/.test(node.getName())) {
    const inner = urlOrigin(node.getExpression(), depth + 1);
    return inner.kind === 'literal' || inner.kind === 'relative' ? inner : undefined;
  }
  if (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'toString' && !node.getArguments().length) {
      const inner = urlOrigin(callee.getExpression(), depth + 1);
      return inner.kind === 'literal' || inner.kind === 'relative' ? inner : undefined;
    }
  }
  return undefined;
}

/** The literal pieces and expressions a URL is concatenated from, in order. */
function partsOf(node: Node, depth: number): Part[] {
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) || Node.isSatisfiesExpression(node)) {
    return partsOf(node.getExpression(), depth);
  }
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return [node.getLiteralValue()];
  if (Node.isTemplateExpression(node)) {
    const out: Part[] = [node.getHead().getLiteralText()];
    for (const span of node.getTemplateSpans()) out.push(...partsOf(span.getExpression(), depth), span.getLiteral().getLiteralText());
    return out;
  }
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getText() === '+') {
    return [...partsOf(node.getLeft(), depth), ...partsOf(node.getRight(), depth)];
  }
  if ((Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) && depth < MAX_FOLLOW) {
    const init = initializerOf(node);
    if (init && (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init) || Node.isTemplateExpression(init) ||
        Node.isBinaryExpression(init) || Node.isNewExpression(init) || Node.isParenthesizedExpression(init))) {
      return partsOf(init, depth + 1);
    }
  }
  return [node];
}

/**
 * Text that names the server a URL points at: only its origin (scheme + host) counts, so a
 * literal public host is an external API whatever env vars its path or query reads; an
 * expression in the origin position (an env var, a config value, a base URL) is followed.
 * A path is resolved against the client's base URL (axios `baseURL`, got `prefixUrl`).
 */
export function targetText(urlNode: Node | undefined, base: Node | undefined): string {
  const own = urlOrigin(urlNode);
  if (own.kind === 'literal') return own.origin;
  const baseText = (): string => {
    const o = urlOrigin(base);
    return o.kind === 'literal' ? o.origin : urlTargetText(o.kind === 'expr' ? o.node : base);
  };
  if (own.kind === 'relative' || !urlNode) return baseText();
  // An expression may be a whole URL or a path under the base: both may name the server.
  return [baseText(), urlTargetText(own.kind === 'expr' ? own.node : urlNode)].join(' ').trim();
}

/**
 * Text that names where a URL points: the expression itself plus what the
 * consts and properties it is built from hold, and the env vars it reads
 * (`process.env.X`, `config.get('X')`), written as `process.env.X`.
 */
function urlTargetText(node: Node | undefined): string {
  if (!node) return '';
  const parts = [node.getText()];
  const seen = new Set<Node>();
  const visit = (n: Node, depth: number) => {
    if (depth > 2) return;
    for (const m of nodesOfKinds(n, NAME_KINDS)) {
      const init = initializerOf(m);
      if (init && !seen.has(init)) {
        seen.add(init);
        parts.push(init.getText());
        visit(init, depth + 1);
      }
    }
  };
  visit(node, 0);
  for (const env of envVarsIn(node)) parts.push(`process.env.${env}`);
  return parts.join(' ');
}

const NAME_KINDS: ReadonlySet<SyntaxKind> = new Set([SyntaxKind.Identifier, SyntaxKind.PropertyAccessExpression]);

/**
 * Last path segments that name a question, not a change (`POST /menu/validate`, `/search`,
 * `/quote`, `/check-availability`), or asks for a credential (an OAuth `POST .../oauth2/token`,
 * `/introspect`, `/userinfo`, `/tokens/exchange`, `/oauth/refresh`): an endpoint that answers and keeps no business state, even when the
 * body goes in a POST.
 */
const QUERY_ENDPOINT = /^(validate|validation|check|search|query|lookup|find|quote|estimate|calculate|preview|exists|availability|token|introspect|userinfo)([-_].*)?$|^(check|search|find|lookup|validate)[A-Z]/;

/** True when the literal end of a URL's path names a question (QUERY_ENDPOINT). */
export function isQueryEndpoint(urlNode: Node | undefined): boolean {
  if (!urlNode || !(Node.isStringLiteral(urlNode) || Node.isNoSubstitutionTemplateLiteral(urlNode) || Node.isTemplateExpression(urlNode))) return false;
  const path = urlNode.getText().slice(1, -1).replace(/[?#].*$/, '').replace(/\/+$/, '');
  const segments = path.split('/');
  const last = segments[segments.length - 1];
  if (last.includes('${')) return false;
  // `POST /v1/tokens/exchange`, `/oauth/refresh`: a credential step under a token path.
  return QUERY_ENDPOINT.test(last) || (/^(exchange|refresh|renew)$/.test(last) && /^(tokens?|oauth2?|auth)$/.test(segments[segments.length - 2] ?? ''));
}
