/**
 * A request made before a write that records its response: `const url = await storage.send('upload', file)`
 * then `repo.save({ ...dto, image: url })`. The write cannot happen without the reply, so the request
 * cannot go through an outbox (a relay delivers later and returns nothing to this flow). If the write
 * then fails, the other service keeps what the request made (a file, a certificate) and nothing here
 * refers to it: an orphan, a saga or compensation concern, not a lost event. dual-write does not pair
 * the two. A fire-and-forget publish is never such a request: its ids recorded afterwards still
 * announce a change that may not be saved.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Reached } from '../facts/effects';
import { isFunctionBoundary } from '../facts/effects';

/** Wrappers that turn a reply into a value (`lastValueFrom(client.send(...))`). */
const UNWRAP_CALLS = new Set(['lastValueFrom', 'firstValueFrom']);
/** Methods on the reply that still yield it (`client.send(...).toPromise()`, `.pipe(timeout(5000))`). */
const UNWRAP_METHODS = new Set(['toPromise', 'pipe', 'then', 'json']);

/** True when `effect` is a request whose reply (through local variables of fn) is in the arguments of the later `write`. */
export function writeRecordsResult(effect: Reached, write: Reached, fn: Node): boolean {
  // Through a callee (`const cert = await this.createCertificate(...)` that sends the request): the write depends on that call too.
  if (!(effect.fact.kind === 'http' || (effect.fact.kind === 'publish' && !!effect.fact.request))) return false;
  const names = boundNames(effect.via);
  if (!names.size) return false;
  derive(names, fn, effect.via.getEnd());
  const call = Node.isCallExpression(write.via) ? write.via : write.via.getFirstAncestorByKind(SyntaxKind.CallExpression);
  if (!call || !Node.isCallExpression(call)) return false;
  return call.getArguments().some((a) => mentions(a, names));
}

/** The local names the value of the call at `via` is bound to (`const url = await ...`, `({ id } = await ...)`). */
function boundNames(via: Node): Set<string> {
  const out = new Set<string>();
  let node: Node = Node.isCallExpression(via) ? via : via.getFirstAncestorByKind(SyntaxKind.CallExpression) ?? via;
  for (let parent = node.getParent(); parent; node = parent, parent = parent.getParent()) {
    if (Node.isAwaitExpression(parent) || Node.isParenthesizedExpression(parent) || Node.isAsExpression(parent) || Node.isNonNullExpression(parent)) continue;
    if (Node.isPropertyAccessExpression(parent) && UNWRAP_METHODS.has(parent.getName())) continue;
    if (Node.isCallExpression(parent)) {
      const callee = parent.getExpression();
      if (callee === node) continue; // `(...).toPromise()` after the property access above
      if (Node.isIdentifier(callee) && UNWRAP_CALLS.has(callee.getText())) continue;
      return out;
    }
    if (Node.isVariableDeclaration(parent)) {
      addNames(parent.getNameNode(), out);
      return out;
    }
    if (Node.isBinaryExpression(parent) && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken && parent.getRight() === node) {
      addNames(parent.getLeft(), out);
      return out;
    }
    return out;
  }
  return out;
}

function addNames(target: Node, out: Set<string>) {
  if (Node.isIdentifier(target)) out.add(target.getText());
  else for (const id of target.getDescendantsOfKind(SyntaxKind.Identifier)) out.add(id.getText());
}

/**
 * Grows `names` with the locals of fn built from them after `from`: `const dto = { key: certificate.keyId }`,
 * `dto.url = url` (then `dto` carries it).
 */
function derive(names: Set<string>, fn: Node, from: number) {
  for (let grew = true; grew;) {
    grew = false;
    for (const d of fn.getDescendants()) {
      if (d.getStart() < from || !ownCode(d, fn)) continue;
      if (Node.isVariableDeclaration(d)) {
        const init = d.getInitializer();
        if (init && mentions(init, names)) grew = addAll(d.getNameNode(), names) || grew;
      } else if (Node.isBinaryExpression(d) && d.getOperatorToken().getKind() === SyntaxKind.EqualsToken && mentions(d.getRight(), names)) {
        let left: Node = d.getLeft();
        while (Node.isPropertyAccessExpression(left) || Node.isElementAccessExpression(left)) left = left.getExpression();
        if (Node.isIdentifier(left)) grew = addAll(left, names) || grew;
      }
    }
  }
}

function addAll(target: Node, names: Set<string>): boolean {
  const before = names.size;
  addNames(target, names);
  return names.size > before;
}

/** True when node is fn's own code, not a nested function's (a callback's locals are not the flow's). */
function ownCode(node: Node, fn: Node): boolean {
  const boundary = node.getFirstAncestor(isFunctionBoundary);
  return boundary === fn || (!!boundary && !!boundary.getParent() && Node.isCallExpression(boundary.getParent()!) && boundary.getFirstAncestor(isFunctionBoundary) === fn);
}

function mentions(node: Node, names: Set<string>): boolean {
  if (Node.isIdentifier(node)) return names.has(node.getText());
  return node.getDescendantsOfKind(SyntaxKind.Identifier).some((id) => names.has(id.getText()) && !isPropertyName(id));
}

/** `{ url: x }` names a property `url`, and `a.url` reads one: neither is the local `url`. */
function isPropertyName(id: Node): boolean {
  const parent = id.getParent();
  if (!parent) return false;
  if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) return true;
  return Node.isPropertyAssignment(parent) && parent.getNameNode() === id;
}
