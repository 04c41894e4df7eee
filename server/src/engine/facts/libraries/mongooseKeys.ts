/**
 * The unique keys a mongoose model declares: `unique: true` on a path of the schema it was built
 * from (`model('Order', new Schema({ orderId: { type: String, unique: true } }))`), compound
 * `schema.index({ a: 1, b: 1 }, { unique: true })`, and for NestJS `@Prop({ unique: true })` on the
 * `@Schema()` class a `Model<OrderDocument>` names (through `HydratedDocument<Order>` or
 * `Order & Document`). `_id` is always a key. An insert that sets every field of one of them from
 * outside collides on a repeat. A model whose schema cannot be found has only `_id`.
 */
import { Node, SyntaxKind, type ClassDeclaration } from 'ts-morph';
import { arg, declarationOf, objectLiteral, prop, propName, receiver } from '../syntax';

const ALWAYS: string[][] = [['_id']];

/** The key sets of the model a call's receiver is (`Order.create`, `this.orderModel.create`). */
export function modelKeys(call: Node): string[][] {
  return modelKeysOf(receiver(call));
}

/** The key sets of the model an expression names (`Order`, `this.orderModel`). */
export function modelKeysOf(recv: Node | undefined): string[][] {
  const nameNode = recv && Node.isPropertyAccessExpression(recv) ? recv.getNameNode() : recv;
  const decl = nameNode ? declarationOf(nameNode) : undefined;
  if (!decl) return ALWAYS;
  // const Order = model('Order', orderSchema)
  const init = Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  if (init && Node.isCallExpression(init) && /(^|\.)model$/.test(init.getExpression().getText())) return [...ALWAYS, ...schemaKeys(arg(init, 1))];
  // @InjectModel(Order.name) private orderModel: Model<OrderDocument>
  if (Node.isParameterDeclaration(decl) || Node.isPropertyDeclaration(decl)) {
    const typeNode = decl.getTypeNode();
    const docType = typeNode && Node.isTypeReference(typeNode) ? typeNode.getTypeArguments()[0] : undefined;
    const cls = schemaClass(docType, 0);
    if (cls) return [...ALWAYS, ...classKeys(cls)];
  }
  return ALWAYS;
}

/** `new Schema({ ... })` (through a const) and the unique indexes later declared on it. */
function schemaKeys(schema: Node | undefined): string[][] {
  if (!schema) return [];
  let construction: Node | undefined = schema;
  const holder = Node.isIdentifier(schema) ? declarationOf(schema) : undefined;
  if (holder && Node.isVariableDeclaration(holder)) construction = holder.getInitializer();
  const keys: string[][] = [];
  const definition = construction && Node.isNewExpression(construction) ? objectLiteral(construction.getArguments()[0]) : undefined;
  for (const p of definition?.getProperties() ?? []) {
    if (!Node.isPropertyAssignment(p)) continue;
    const options = objectLiteral(p.getInitializer());
    if (options && prop(options, 'unique')?.getText() === 'true') keys.push([propName(p.getNameNode())]);
  }
  if (holder && Node.isVariableDeclaration(holder)) keys.push(...uniqueIndexes(holder.getNameNode()));
  return keys;
}

const indexCache = new WeakMap<Node, string[][]>();

/** `schema.index({ a: 1, b: 1 }, { unique: true })` calls on the schema's variable. */
function uniqueIndexes(name: Node): string[][] {
  const cached = indexCache.get(name);
  if (cached) return cached;
  const out: string[][] = [];
  indexCache.set(name, out);
  for (const ref of Node.isIdentifier(name) ? name.findReferencesAsNodes() : []) {
    const access = ref.getParent();
    const call = access?.getParent();
    if (!access || !Node.isPropertyAccessExpression(access) || access.getName() !== 'index' || !call || !Node.isCallExpression(call)) continue;
    const fields = objectLiteral(arg(call, 0));
    if (!fields || prop(arg(call, 1), 'unique')?.getText() !== 'true') continue;
    out.push(fields.getProperties().flatMap((p) => (Node.isPropertyAssignment(p) ? [propName(p.getNameNode())] : [])));
  }
  return out;
}

/** The `@Schema()` class a document type names: the class itself, `HydratedDocument<X>`, `X & Document`. */
function schemaClass(type: Node | undefined, depth: number): ClassDeclaration | undefined {
  if (!type || depth > 3) return undefined;
  if (Node.isIntersectionTypeNode(type)) {
    for (const t of type.getTypeNodes()) {
      const found = schemaClass(t, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (!Node.isTypeReference(type)) return undefined;
  const decl = declarationOf(type.getTypeName());
  if (decl && Node.isClassDeclaration(decl)) return decl.getDecorator('Schema') ? decl : undefined;
  if (decl && Node.isTypeAliasDeclaration(decl)) return schemaClass(decl.getTypeNode(), depth + 1);
  for (const t of type.getTypeArguments()) {
    const found = schemaClass(t, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** `@Prop({ unique: true })` properties, and `SchemaFactory.createForClass(X).index({...}, { unique: true })` on its schema const. */
function classKeys(cls: ClassDeclaration): string[][] {
  const keys: string[][] = [];
  for (const p of cls.getProperties()) {
    const d = p.getDecorator('Prop');
    if (d && d.getArguments().some((a) => prop(a, 'unique')?.getText() === 'true')) keys.push([p.getName()]);
  }
  const nameNode = cls.getNameNode();
  for (const ref of nameNode ? nameNode.findReferencesAsNodes() : []) {
    const call = ref.getParent();
    if (!call || !Node.isCallExpression(call) || !/createForClass$/.test(call.getExpression().getText())) continue;
    const holder = call.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
    if (holder) keys.push(...uniqueIndexes(holder.getNameNode()));
  }
  return keys;
}
