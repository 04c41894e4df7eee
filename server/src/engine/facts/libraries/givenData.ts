/**
 * The fields an insert sets from outside, also when the insert is a repository method's and its
 * data is the method's parameter (`create(body) { return this.repo.insert(body); }`): then every
 * call site must give an object literal, and only the fields all of them set count. And whether
 * they cover a key the ORM's schema declares (Prisma, TypeORM, mongoose, Drizzle): a repeat of the
 * insert then collides on that key.
 */
import { Node } from 'ts-morph';
import type { Analysis } from '../analysis';
import { argumentsAtCallSites } from '../carriers';
import { declarationOf } from '../syntax';
import { givenFields } from './staticValues';

export function givenFieldsThrough(data: Node | undefined, analysis: Analysis | undefined, unwrap: (n: Node | undefined) => Node | undefined = (n) => n): string[] | undefined {
  const direct = givenFields(unwrap(data));
  if (direct) return direct;
  const decl = data && Node.isIdentifier(data) ? declarationOf(data) : undefined;
  if (!decl || !Node.isParameterDeclaration(decl) || !analysis) return undefined;
  const sites = argumentsAtCallSites(decl, analysis);
  if (!sites.length) return undefined;
  const each = sites.map((s) => givenFields(unwrap(s.arg)));
  if (each.some((x) => x === undefined)) return undefined;
  return (each as string[][]).reduce((a, b) => a.filter((x) => b.includes(x)));
}

/** A declared key (a list of fields) every field of which the insert sets; a given `id` stands for `_id`. */
export function keyGiven(keys: string[][], given: string[] | undefined): string[] | undefined {
  if (!given?.length) return undefined;
  return keys.find((k) => k.length > 0 && k.every((f) => given.includes(f) || (f === '_id' && given.includes('id'))));
}
