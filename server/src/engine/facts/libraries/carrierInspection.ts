/**
 * What a message, options or headers expression carries: inspectCarrier
 * looks into object literals, the consts and helpers they are built from,
 * later writes (`headers[k] = v`) and declared types for keys matching a
 * pattern (the correlation id keys by default), and says when part of the
 * envelope is built where the analysis cannot see. correlationKeyOf names
 * the key a correlation value is set under.
 */
import { Node, SyntaxKind, type ShorthandPropertyAssignment, type VariableDeclaration } from 'ts-morph';
import { nodesOfKinds } from '../walk';
import { destructuredFrom, returnedBy, type Returned } from '../returns';
import { CORRELATION_KEY, correlationProps, declarationOf, objectLiteral, prop, propName, stringValue } from '../syntax';
import { variableOf } from './staticValues';
import { recordParts, type RecordParts } from './recordBuilders';

/** What a message/options/headers expression is seen to carry. */
export interface CarrierContent {
  /** Value nodes of the keys that matched (e.g. the correlation id expressions). */
  values: Node[];
  /** False when part of the envelope is built where the analysis cannot see (unknown, not absent). */
  closed: boolean;
  /**
   * Parameters of the enclosing function the content comes from (`send(topic, message)` in a
   * publish wrapper): what they carry is decided at the wrapper's call sites.
   */
  params?: Node[];
  /** Part of the envelope is built where the analysis cannot see, other than by a caller's parameter. */
  opaque?: boolean;
  /** An envelope (`headers`, `properties`...) written out here, with nothing in it from a caller. */
  ownEnvelope?: boolean;
  /** A caller's parameter gives an envelope or the whole message (`headers: meta`, `{ ...message }`), not only its body. */
  envelopeFromCaller?: boolean;
}

/** Keys whose value is the message envelope (headers, properties, attributes): if it is opaque, so is the message. */
const ENVELOPE_KEY = /^(headers|properties|attributes|messageattributes|metadata|userproperties|applicationproperties)$/i;
/** Keys whose value is the message body as a whole (`{ value: message }`, `{ Message: body }`). */
const BODY_KEY = /^(value|body|data|payload|message|messages|content|json|detail|messagebody|entries)$/i;
/** Calls that only serialize their argument: their content is the argument's. */
const SERIALIZER = /^(JSON\.stringify|Buffer\.from|String|encoder\.encode|new TextEncoder\(\)\.encode)$/;
/** Methods that encode a message for the wire (`this.serializer.serialize(message)`, `codec.encode(data)`). */
const SERIALIZER_METHOD = /^(serialize|encode|stringify|marshal|pack|toBuffer)$/i;
const MAX_CARRIER_DEPTH = 9;
/** Declared types that hold no envelope. */
const PRIMITIVE_TYPE = /^(string|number|boolean|bigint)$/;

/**
 * Looks into a carrier for keys matching `key`: object and array literals,
 * consts they are built from (with later writes such as `headers[k] = v`),
 * serializer calls and `xs.map((x) => ({ ... }))`. Anything else (a
 * parameter, a helper's return value, a spread of one) is opaque.
 */
export function inspectCarrier(node: Node | undefined, key: RegExp = CORRELATION_KEY, depth = 0): CarrierContent {
  if (!node) return { values: [], closed: true };
  if (depth > MAX_CARRIER_DEPTH) return { values: [], closed: false };
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node) ||
      Node.isNonNullExpression(node) || Node.isAwaitExpression(node) || Node.isTypeAssertion(node)) {
    return inspectCarrier(node.getExpression(), key, depth);
  }
  if (Node.isObjectLiteralExpression(node)) {
    const out: CarrierContent = { values: [], closed: true };
    if (mintsEventEnvelope(node)) out.ownEnvelope = true;
    let bodyFromCaller = false;
    let spread = false;
    for (const p of node.getProperties()) {
      if (Node.isSpreadAssignment(p)) {
        spread = true;
        const inner = inspectCarrier(p.getExpression(), key, depth + 1);
        if (inner.params?.length) out.envelopeFromCaller = true;
        merge(out, inner, true);
        continue;
      }
      if (!Node.isPropertyAssignment(p) && !Node.isShorthandPropertyAssignment(p)) continue;
      const name = Node.isPropertyAssignment(p) ? propName(p.getNameNode()) : p.getName();
      const value = Node.isPropertyAssignment(p) ? p.getInitializer() : p.getNameNode();
      if (key.test(name) && value) {
        out.values.push(value);
        continue;
      }
      const content = inspectCarrier(value, key, depth + 1);
      if (BODY_KEY.test(name) && !ENVELOPE_KEY.test(name) && content.params?.length) bodyFromCaller = true;
      mergeMember(out, name, content);
    }
    // The message itself is built here around a body its caller gives (`{ TopicArn, Message: JSON.stringify(message) }`):
    // where the envelope goes, this function decides, even when it writes none.
    if (bodyFromCaller && !spread && !out.envelopeFromCaller) out.ownEnvelope = true;
    return out;
  }
  if (Node.isArrayLiteralExpression(node)) {
    const out: CarrierContent = { values: [], closed: true };
    for (const e of node.getElements()) merge(out, inspectCarrier(Node.isSpreadElement(e) ? e.getExpression() : e, key, depth + 1), true);
    return out;
  }
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) || Node.isTemplateExpression(node) ||
      Node.isNumericLiteral(node) || Node.isTrueLiteral(node) || Node.isFalseLiteral(node) || Node.isNullLiteral(node)) {
    return { values: [], closed: true };
  }
  if (Node.isConditionalExpression(node)) {
    const out: CarrierContent = { values: [], closed: true };
    merge(out, inspectCarrier(node.getWhenTrue(), key, depth + 1), true);
    merge(out, inspectCarrier(node.getWhenFalse(), key, depth + 1), true);
    return out;
  }
  if (Node.isIdentifier(node)) {
    if (node.getText() === 'undefined') return { values: [], closed: true };
    const decl = variableOf(node);
    const init = decl?.getInitializer();
    if (!decl || !init) {
      const binding = destructuredFrom(node);
      if (binding) return memberContent(binding.source, binding.member, key, depth + 1);
      return declaredContent(node, key) ?? { values: [], closed: false, opaque: true };
    }
    const out = inspectCarrier(init, key, depth + 1);
    const later = laterWrites(decl, node, key);
    return {
      values: [...out.values, ...later.values], closed: out.closed && !later.opaque,
      ...(out.params ? { params: out.params } : {}), ...(out.opaque || later.opaque ? { opaque: true } : {}),
      ...(out.ownEnvelope ? { ownEnvelope: true } : {}), ...(out.envelopeFromCaller ? { envelopeFromCaller: true } : {}),
    };
  }
  // A record a library builds (`new RmqRecordBuilder(data).setOptions({ headers }).build()`): its body and envelope.
  const record = Node.isCallExpression(node) || Node.isNewExpression(node) ? recordParts(node) : undefined;
  if (record) return recordContent(record, key, depth);
  if (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    const args = node.getArguments();
    if (SERIALIZER.test(callee.getText())) return inspectCarrier(args[0], key, depth);
    if (Node.isPropertyAccessExpression(callee) && SERIALIZER_METHOD.test(callee.getName()) && args[0]) return inspectCarrier(args[0], key, depth);
    if (Node.isPropertyAccessExpression(callee) && /^(map|flatMap)$/.test(callee.getName())) {
      const fn = args[0];
      const body = fn && (Node.isArrowFunction(fn) ? fn.getBody() : undefined);
      if (body && !Node.isBlock(body)) return inspectCarrier(body, key, depth + 1);
    }
    // A message built by a workspace helper (`getCommandMessage(data, metadata)`): what it returns.
    const returned = depth + HELPER_COST <= MAX_CARRIER_DEPTH ? returnedBy(node) : undefined;
    if (returned) return helperContent(returned, (v) => inspectCarrier(v, key, depth + HELPER_COST), key, depth);
  }
  if (Node.isPropertyAccessExpression(node)) {
    const declared = declaredContent(node, key);
    if (declared) return declared;
  }
  return { values: keyedValuesIn(node, key), closed: false, opaque: true };
}

/** A library-built record: its body read as a message body, its envelope arguments as headers; open when a step is not understood. */
function recordContent(record: RecordParts, key: RegExp, depth: number): CarrierContent {
  const out: CarrierContent = record.complete ? { values: [], closed: true } : { values: [], closed: false, opaque: true };
  mergeMember(out, 'data', inspectCarrier(record.body, key, depth + 1));
  for (const envelope of record.envelope) mergeMember(out, 'headers', inspectCarrier(envelope, key, depth + 1));
  return out;
}

/**
 * A message literal (an SNS/SQS input, amqplib options) written out in the code at hand, whose
 * envelope member (`MessageAttributes`, `headers`), if present, is a literal too: the envelope is
 * this code's, present or not, and a caller gives at most the body.
 */
export function envelopeWrittenIn(literal: Node | undefined, envelopeKey: string): boolean {
  const obj = objectLiteral(literal);
  if (!obj || obj.getProperties().some((p) => Node.isSpreadAssignment(p))) return false;
  const envelope = prop(obj, envelopeKey);
  return !envelope || objectLiteral(envelope) !== undefined;
}

/** Metadata members of an event envelope (CloudEvents and the like) besides its id. */
const EVENT_METADATA_KEY = /^(type|event[-_]?type|source|time|timestamp|occurred[-_]?at|created[-_]?at|spec[-_]?version|version|producer)$/i;
/** The envelope's own identity: `id: uuidv4()`, `eventId: randomUUID()`. */
const EVENT_ID_KEY = /^(id|event[-_]?id|message[-_]?id)$/i;

/**
 * An event envelope the enclosing function builds around its caller's payload
 * (`{ id: uuidv4(), type, source, time, data }`): it mints the event's identity,
 * so the correlation id belongs in it, like in headers the function writes itself.
 */
function mintsEventEnvelope(obj: Node): boolean {
  if (!Node.isObjectLiteralExpression(obj)) return false;
  let mintedId = false;
  let metadata = 0;
  let body = false;
  for (const p of obj.getProperties()) {
    if (Node.isSpreadAssignment(p)) return false;
    const name = Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p) ? propName(p.getNameNode()) : '';
    const init = Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
    if (EVENT_ID_KEY.test(name) && init && (Node.isCallExpression(init) || Node.isNewExpression(init))) mintedId = true;
    else if (EVENT_METADATA_KEY.test(name)) metadata++;
    else if (BODY_KEY.test(name)) body = true;
  }
  return mintedId && metadata >= 2 && body;
}

/** Following a helper call costs more depth than a const: a few levels of helpers at most, and recursion ends. */
const HELPER_COST = 2;

/** `const { message } = source`: the carrier content of one member of an object literal, or of what a helper returns. */
function memberContent(source: Node, member: string, key: RegExp, depth: number): CarrierContent {
  if (depth > MAX_CARRIER_DEPTH) return { values: [], closed: false };
  let node = source;
  while (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isAwaitExpression(node) || Node.isNonNullExpression(node)) node = node.getExpression();
  if (Node.isObjectLiteralExpression(node)) {
    const p = node.getProperty(member);
    if (p && Node.isPropertyAssignment(p)) return inspectCarrier(p.getInitializer(), key, depth + 1);
    if (p && Node.isShorthandPropertyAssignment(p)) return inspectCarrier(p.getNameNode(), key, depth + 1);
    return node.getProperties().some((x) => Node.isSpreadAssignment(x)) ? { values: [], closed: false, opaque: true } : { values: [], closed: true };
  }
  if (Node.isIdentifier(node)) {
    const init = variableOf(node)?.getInitializer();
    if (init) return memberContent(init, member, key, depth + 1);
  }
  if (Node.isCallExpression(node)) {
    const returned = depth + HELPER_COST <= MAX_CARRIER_DEPTH ? returnedBy(node) : undefined;
    if (returned) return helperContent(returned, (v) => memberContent(v, member, key, depth + HELPER_COST), key, depth);
  }
  return inspectCarrier(node, key, depth + 1);
}

/**
 * The content of what a helper returns, seen at one call: the helper's own parameters it passes
 * through (`headers: metadata`) are this call's arguments.
 */
function helperContent(returned: Returned, inspectValue: (v: Node) => CarrierContent, key: RegExp, depth: number): CarrierContent {
  const out: CarrierContent = { values: [], closed: true };
  for (const v of returned.values) {
    const content = inspectValue(v);
    const params = content.params ?? [];
    const own = params.filter((p) => p.getParent() === returned.fn);
    const others = params.filter((p) => !own.includes(p));
    // Open only because of the helper's own parameters: the arguments decide.
    const closed = content.closed || (own.length > 0 && !others.length && !content.opaque);
    merge(out, { ...content, closed, ...(others.length ? { params: others } : { params: undefined }) }, true);
    for (const p of own) {
      const a = returned.argumentOf(p);
      if (a) merge(out, inspectCarrier(a, key, depth + HELPER_COST), true);
    }
  }
  return out;
}

/** A member of a message object literal: an envelope key (headers), the body (value), or a payload field. */
function mergeMember(into: CarrierContent, name: string, from: CarrierContent): void {
  const envelope = ENVELOPE_KEY.test(name);
  if (envelope && from.params?.length) into.envelopeFromCaller = true;
  else if (envelope && from.closed) into.ownEnvelope = true;
  merge(into, from, envelope, envelope || BODY_KEY.test(name));
}

function merge(into: CarrierContent, from: CarrierContent, countsForClosed: boolean, keepsParams = true): void {
  if (from.ownEnvelope) into.ownEnvelope = true;
  if (from.envelopeFromCaller) into.envelopeFromCaller = true;
  into.values.push(...from.values);
  if (countsForClosed && !from.closed) into.closed = false;
  if (countsForClosed && from.opaque) into.opaque = true;
  // A whole envelope or body decided by a caller may hold the id (`{ value: message }`); a single
  // payload field passed in (`{ buildId }`) does not.
  if (keepsParams && from.params?.length) into.params = [...(into.params ?? []), ...from.params];
}

/**
 * What an expression the analysis cannot see the value of carries, from its
 * declared type: a workspace DTO/interface/class lists its fields, so the
 * answer is definite unless it has an envelope member (headers...), an index
 * signature or a type the workspace does not define. A parameter without a
 * definite type is left to its callers (`params`).
 */
function declaredContent(node: Node, key: RegExp): CarrierContent | undefined {
  let decl: Node | undefined;
  const parent = node.getParent();
  const shorthand = !!parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === node;
  try {
    // `{ headers }`: the value is the variable or parameter of that name, not the property being declared.
    let symbol = Node.isPropertyAccessExpression(node) ? node.getNameNode().getSymbol()
      : shorthand ? (parent as ShorthandPropertyAssignment).getValueSymbol() : node.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    decl = symbol?.getDeclarations()[0];
  } catch {
    decl = undefined;
  }
  if (!decl || decl.getSourceFile().isDeclarationFile()) return undefined;
  // A text or number field (`{ buildId, message }`) is payload, not an envelope its callers fill.
  if (shorthand && Node.isParameterDeclaration(decl) && holdsNoEnvelope(decl.getTypeNode())) return undefined;
  const typeNode = Node.isParameterDeclaration(decl) || Node.isPropertyDeclaration(decl) || Node.isPropertySignature(decl) || Node.isVariableDeclaration(decl)
    ? decl.getTypeNode() : undefined;
  const shape = typeNode ? shapeOf(typeNode, key, 0) : undefined;
  if (shape) return shape;
  if (Node.isParameterDeclaration(decl) && Node.isIdentifier(decl.getNameNode())) return { values: [], closed: false, params: [decl] };
  return undefined;
}

/** A primitive, a literal, an enum or a union of them: a value that holds no envelope. */
function holdsNoEnvelope(typeNode: Node | undefined): boolean {
  if (!typeNode) return false;
  if (PRIMITIVE_TYPE.test(typeNode.getText()) || Node.isLiteralTypeNode(typeNode)) return true;
  if (Node.isUnionTypeNode(typeNode)) return typeNode.getTypeNodes().every((t) => /^(null|undefined)$/.test(t.getText()) || holdsNoEnvelope(t));
  if (Node.isTypeReference(typeNode)) {
    const decl = declarationOf(typeNode.getTypeName());
    return !!decl && (Node.isEnumDeclaration(decl) || Node.isEnumMember(decl));
  }
  return false;
}

/** The fields of a workspace type: definite (closed) content, or undefined when the type does not say. */
function shapeOf(typeNode: Node, key: RegExp, depth: number): CarrierContent | undefined {
  if (depth > 3) return undefined;
  if (Node.isUnionTypeNode(typeNode) || Node.isIntersectionTypeNode(typeNode)) {
    const out: CarrierContent = { values: [], closed: true };
    for (const t of typeNode.getTypeNodes()) {
      if (/^(null|undefined)$/.test(t.getText())) continue;
      const inner = shapeOf(t, key, depth + 1);
      if (!inner) return undefined;
      out.values.push(...inner.values);
    }
    return out;
  }
  if (Node.isArrayTypeNode(typeNode)) return shapeOf(typeNode.getElementTypeNode(), key, depth + 1);
  if (Node.isTypeLiteral(typeNode)) return membersShape(typeNode.getMembers(), key, depth);
  if (!Node.isTypeReference(typeNode)) return undefined;
  const decl = declarationOf(typeNode.getTypeName());
  if (!decl || decl.getSourceFile().isDeclarationFile()) return undefined;
  if (Node.isTypeAliasDeclaration(decl)) {
    const aliased = decl.getTypeNode();
    return aliased ? shapeOf(aliased, key, depth + 1) : undefined;
  }
  if (Node.isInterfaceDeclaration(decl)) {
    if (decl.getExtends().length) return undefined;
    return membersShape(decl.getMembers(), key, depth);
  }
  if (Node.isClassDeclaration(decl)) {
    if (decl.getExtends()) return undefined;
    const params = decl.getConstructors().flatMap((c) => c.getParameters().filter((p) => p.isParameterProperty()));
    return membersShape([...decl.getProperties(), ...params], key, depth);
  }
  return undefined;
}

function membersShape(members: Node[], key: RegExp, depth: number): CarrierContent | undefined {
  const out: CarrierContent = { values: [], closed: true };
  for (const m of members) {
    if (Node.isIndexSignatureDeclaration(m)) return undefined;
    if (!(Node.isPropertySignature(m) || Node.isPropertyDeclaration(m) || Node.isParameterDeclaration(m))) continue;
    if (Node.isPropertyDeclaration(m) && m.isStatic()) continue;
    const name = m.getName();
    if (key.test(name)) { out.values.push(m.getNameNode()); continue; }
    if (ENVELOPE_KEY.test(name)) {
      const t = m.getTypeNode();
      const inner = t ? shapeOf(t, key, depth + 1) : undefined;
      if (!inner) return undefined;
      out.values.push(...inner.values);
    }
  }
  return out;
}

/**
 * Writes to a variable after its initializer, in its scope: `headers[k] = v`,
 * `headers.set(k, v)` add keyed values; a reassignment, an unknown key or
 * handing it to a call (`propagation.inject(ctx, headers)`) makes it opaque.
 */
function laterWrites(decl: VariableDeclaration, useSite: Node, key: RegExp): { values: Node[]; opaque: boolean } {
  const nameNode = decl.getNameNode();
  if (!Node.isIdentifier(nameNode)) return { values: [], opaque: true };
  const name = nameNode.getText();
  const scope = decl.getFirstAncestor((a) => Node.isBlock(a) || Node.isSourceFile(a)) ?? decl.getSourceFile();
  const values: Node[] = [];
  let opaque = false;
  for (const ref of scope.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (ref === nameNode || ref === useSite || ref.getText() !== name || variableOf(ref) !== decl) continue;
    const parent = ref.getParent();
    if (!parent) continue;
    if (Node.isBinaryExpression(parent) && parent.getLeft() === ref && isAssignment(parent)) { opaque = true; continue; }
    if ((Node.isPropertyAccessExpression(parent) || Node.isElementAccessExpression(parent)) && parent.getExpression() === ref) {
      const k = Node.isPropertyAccessExpression(parent) ? parent.getName() : stringValue(parent.getArgumentExpression());
      const grand = parent.getParent();
      if (grand && Node.isBinaryExpression(grand) && grand.getLeft() === parent && isAssignment(grand)) {
        if (k === undefined) opaque = true;
        else if (key.test(k)) values.push(grand.getRight());
      } else if (grand && Node.isCallExpression(grand) && grand.getExpression() === parent && Node.isPropertyAccessExpression(parent)) {
        const [first, second] = grand.getArguments();
        const setKey = stringValue(first);
        if (/^(set|append)$/.test(parent.getName()) && setKey !== undefined) {
          if (key.test(setKey) && second) values.push(second);
        } else if (!/^(get|has|toString|toJSON)$/.test(parent.getName())) opaque = true;
      }
      continue;
    }
    if ((Node.isCallExpression(parent) || Node.isNewExpression(parent)) && parent.getArguments().includes(ref) &&
        !SERIALIZER.test(parent.getExpression().getText()) && !/^console\./.test(parent.getExpression().getText())) {
      opaque = true;
    }
  }
  return { values, opaque };
}

function isAssignment(bin: Node): boolean {
  if (!Node.isBinaryExpression(bin)) return false;
  const kind = bin.getOperatorToken().getKind();
  return kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;
}

/** Keyed values anywhere inside an expression the analysis cannot see through (`envelope({ correlationId })`). */
function keyedValuesIn(node: Node, key: RegExp): Node[] {
  if (key === CORRELATION_KEY) return correlationProps(node);
  const found: Node[] = [];
  for (const n of nodesOfKinds(node, PROPERTY_KINDS)) {
    if (Node.isPropertyAssignment(n) && key.test(propName(n.getNameNode()))) { const i = n.getInitializer(); if (i) found.push(i); }
    if (Node.isShorthandPropertyAssignment(n) && key.test(n.getName())) found.push(n.getNameNode());
  }
  return found;
}

const PROPERTY_KINDS: ReadonlySet<SyntaxKind> = new Set([SyntaxKind.PropertyAssignment, SyntaxKind.ShorthandPropertyAssignment]);

/** The key a correlation value is set under: a property name (`'x-correlation-id': v`, `{ correlationId }`) or a `set(key, v)` argument. */
export function correlationKeyOf(value: Node): string | undefined {
  const parent = value.getParent();
  if (parent && Node.isPropertyAssignment(parent)) {
    const n = parent.getNameNode();
    return Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) ? n.getLiteralValue() : n.getText();
  }
  if (parent && Node.isShorthandPropertyAssignment(parent)) return parent.getName();
  if (parent && Node.isCallExpression(parent)) return parent.getArguments()[0]?.getText();
  return undefined;
}
