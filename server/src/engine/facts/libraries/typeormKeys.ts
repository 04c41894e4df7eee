/**
 * The primary and unique keys a TypeORM entity class declares with decorators: `@PrimaryColumn()`
 * (not a generated one), `@Column({ unique: true })`, `@Index({ unique: true })` on a property, and
 * `@Unique([...])` / `@Index([...], { unique: true })` on the class. An insert that sets every field
 * of one of them from outside (`save({ orderId: event.orderId, ... })` on `@PrimaryColumn() orderId`)
 * collides on a repeat instead of adding a second row. Only what the declaration says counts: a class
 * the checker cannot find has no keys.
 */
import { Node, type ClassDeclaration, type Decorator } from 'ts-morph';
import { declarationOf, objectLiteral, prop, stringValue } from '../syntax';

/** The key sets (each a list of property names) of an entity class. */
export function entityKeys(cls: ClassDeclaration | undefined): string[][] {
  const keys: string[][] = [];
  if (!cls) return keys;
  const primary: string[] = [];
  for (const p of cls.getProperties()) {
    for (const d of p.getDecorators()) {
      const name = d.getName();
      if (name === 'PrimaryColumn') primary.push(p.getName());
      else if ((name === 'Column' || name === 'Index') && uniqueOption(d)) keys.push([p.getName()]);
    }
  }
  if (primary.length) keys.push(primary);
  for (const d of cls.getDecorators()) {
    const name = d.getName();
    if (name !== 'Unique' && !(name === 'Index' && uniqueOption(d))) continue;
    const fields = d.getArguments().find((a) => Node.isArrayLiteralExpression(a));
    const names = fields && Node.isArrayLiteralExpression(fields) ? fields.getElements().map((e) => stringValue(e)) : [];
    if (names.length && names.every((n): n is string => n !== undefined)) keys.push(names);
  }
  return keys;
}

/** `{ unique: true }` among a decorator's arguments. */
function uniqueOption(d: Decorator): boolean {
  return d.getArguments().some((a) => objectLiteral(a) !== undefined && prop(a, 'unique')?.getText() === 'true');
}

/** The entity class an expression names (`OrderEntity` in `Repository<OrderEntity>` or `getRepository(OrderEntity)`). */
export function entityClass(name: Node | undefined): ClassDeclaration | undefined {
  if (!name) return undefined;
  const target = Node.isTypeReference(name) ? name.getTypeName() : name;
  const decl = declarationOf(target);
  return decl && Node.isClassDeclaration(decl) ? decl : undefined;
}
