import { Node, SyntaxKind, type SourceFile, type StringLiteral } from 'ts-morph';
import { createRule } from './createRule';
import { callersOf, callSitesOf, type Caller } from './rootCause';
import { DISTRIBUTED_TRANSACTION_MODULES } from '../facts/libraries';
import { isFunctionLike } from '../facts/analysis';
import { calleeName } from '../facts/syntax';
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { justificationFix } from '../fixes/justification';

export const unjustifiedTwoPhaseCommit = createRule({
  id: 'unjustified-two-phase-commit',
  description: 'Two-phase commit, XA and flows that commit on two datastores need a recorded justification.',
  defaultSeverity: 'warning',
  fixes: ['Record a justification in architecture.yaml'],
  messages: {
    twoPhase: {
      message: 'Two-phase commit (`{{detail}}`) with no recorded justification. 2PC blocks every participant while the coordinator is down and couples the availability of both datastores.',
      hint: 'Prefer a saga with compensations or a transactional outbox; if atomicity across stores is required, add a decision with pattern: two-phase-commit and a justification to architecture.yaml.',
    },
    library: {
      message: 'Distributed-transaction library "{{module}}" with no recorded justification. A transaction coordinator couples the availability of every participant.',
      hint: 'Prefer a saga or an outbox; if a coordinator is required, record a decision with pattern: two-phase-commit and a justification in architecture.yaml.',
    },
    twoCommits: {
      message: 'This flow commits on two datastores (`{{first}}` and `{{second}}`) as if they were one transaction. A crash between the commits leaves them inconsistent, with nothing to repair it.',
      hint: 'Make one store the source of truth and propagate to the other with an outbox (or a saga with compensation); if atomic commit is required, use real 2PC and record the justification in architecture.yaml.',
    },
  },
  check({ model, report }) {
    // One finding per 2PC mechanism: its opening statement, with the others as related locations.
    // The flows that run it through helpers (`asMultiregionalOperation(...)` over `prepareTransaction(trx)`) are listed with it.
    const twoPhase = model.facts.filter((f) => f.kind === 'twoPhase' && !model.justification('two-phase-commit', f.node));
    const callers = callersOf(model, new Set(twoPhase));
    for (const [head, ...rest] of twoPhaseMechanisms(model, twoPhase, callers)) {
      report({
        messageId: 'twoPhase', data: { detail: head.detail }, location: model.locationOf(head.node), snippet: head.detail,
        related: [
          ...callSitesOf(head, callers.get(head) ?? []).map(({ via }) => ({ ...model.locationOf(calleeName(via)), message: `the same two-phase commit run here through \`${calleeName(via).getText().slice(0, 60)}\`` })),
          ...rest.map((f) => ({ ...model.locationOf(f.node), message: `${f.detail} of the same two-phase commit` })),
        ],
        fixes: () => justificationFix(model, head.node, 'two-phase-commit'),
      });
    }
    for (const { sourceFile } of model.files) {
      for (const specifier of transactionLibraryImports(sourceFile)) {
        const module = specifier.getLiteralValue();
        if (model.justification('two-phase-commit', specifier)) continue;
        report({
          messageId: 'library', data: { module }, location: model.locationOf(specifier), snippet: module,
          fixes: () => justificationFix(model, specifier, 'two-phase-commit'),
        });
      }
    }
    // One flow committing on two different datastores (without PREPARE TRANSACTION, which is reported above).
    const byFlow = new Map<Node, Fact[]>();
    for (const fact of model.facts) {
      if (fact.kind !== 'tx' && fact.kind !== 'twoPhase') continue;
      const flow = flowOf(fact.node, model);
      byFlow.set(flow, [...(byFlow.get(flow) ?? []), fact]);
    }
    for (const facts of byFlow.values()) {
      if (facts.some((f) => f.kind === 'twoPhase')) continue;
      const commits = facts
        .filter((f) => f.kind === 'tx' && COMMITS.has(f.detail))
        .map((f) => ({ fact: f, origin: clientOrigin(f.node) }))
        .filter((c): c is { fact: Fact; origin: Origin } => c.origin !== undefined);
      const first = commits[0];
      // Two datastores only when the code shows two: a different kind of store, or two known connections. Two clients
      // (Prisma and Kysely) of one database, or connections the analysis cannot place, are not claimed to be two.
      const second = first && commits.find((c) => c.origin.key !== first.origin.key && differentDatastores(model, first.origin, c.origin));
      if (!first || !second || model.justification('two-phase-commit', second.fact.node)) continue;
      const a = receiverText(first.fact.node);
      const b = receiverText(second.fact.node);
      report({
        messageId: 'twoCommits',
        data: { first: a, second: b },
        location: model.locationOf(second.fact.node),
        related: [{ ...model.locationOf(first.fact.node), message: 'first commit' }],
        snippet: `${a}+${b}`,
        fixes: () => justificationFix(model, second.fact.node, 'two-phase-commit'),
      });
    }
  },
});

/**
 * The 2PC statements grouped by mechanism, each group opening statement first. Two statements
 * belong to one mechanism when they are in the same file (the helpers of one module or class:
 * `prepareTransaction`, `commitPrepared`, `rollbackPrepared`), or when one workspace function
 * reaches both through its calls (the flow that prepares in one module and commits through
 * another). Statements in different files that no common function reaches are separate mechanisms.
 */
function twoPhaseMechanisms(model: SystemModel, facts: Fact[], callers: Map<Fact, Caller[]>): Fact[][] {
  const parent = facts.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const union = (a: number, b: number) => { parent[find(a)] = find(b); };
  const index = new Map(facts.map((f, i) => [f, i]));
  const byFile = new Map<SourceFile, number>();
  for (const [i, f] of facts.entries()) {
    const file = f.node.getSourceFile();
    const first = byFile.get(file);
    if (first === undefined) byFile.set(file, i);
    else union(i, first);
  }
  // A common caller only matters across files.
  if (byFile.size > 1) {
    const reachedBy = new Map<Node, number>();
    for (const [fact, reaching] of callers) {
      for (const { fn } of reaching) {
        const other = reachedBy.get(fn);
        if (other === undefined) reachedBy.set(fn, index.get(fact)!);
        else union(index.get(fact)!, other);
      }
    }
  }
  const groups = new Map<number, Fact[]>();
  for (const [i, f] of facts.entries()) groups.set(find(i), [...(groups.get(find(i)) ?? []), f]);
  const order = (f: Fact) => [STATEMENT_ORDER.findIndex((re) => re.test(f.detail)), f.node.getSourceFile().getFilePath(), f.node.getStart()] as const;
  const compare = (a: Fact, b: Fact) => {
    const [ra, fa, pa] = order(a);
    const [rb, fb, pb] = order(b);
    return ra - rb || (fa < fb ? -1 : fa > fb ? 1 : 0) || pa - pb;
  };
  return [...groups.values()].map((g) => g.sort(compare));
}

/**
 * Which statement of a mechanism a finding points at: the one that opens it (PREPARE TRANSACTION,
 * XA START), then the prepare phase, then the decision (COMMIT / ROLLBACK PREPARED), then recovery.
 */
const STATEMENT_ORDER = [/^(PREPARE TRANSACTION|XA (START|BEGIN))$/, /^XA (END|PREPARE)$/, /^(COMMIT PREPARED|XA COMMIT)$/, /^(ROLLBACK PREPARED|XA ROLLBACK)$/, /./];

/** Transaction facts that end a transaction (or run one to its end, like `$transaction(fn)`). */
const COMMITS = new Set(['COMMIT', 'commitTransaction', 'transaction', '$transaction', 'withTransaction']);

/** Module specifiers of distributed-transaction libraries: `import ... from 'x'`, `import x = require('x')`, `require('x')`. */
function transactionLibraryImports(sourceFile: SourceFile): StringLiteral[] {
  // The module name appears literally in any file importing it; most files are skipped without a walk.
  const text = sourceFile.getFullText();
  if (!DISTRIBUTED_TRANSACTION_MODULES.some((m) => text.includes(m))) return [];
  const out: StringLiteral[] = [];
  const consider = (node: Node | undefined) => {
    if (node && Node.isStringLiteral(node) && DISTRIBUTED_TRANSACTION_MODULES.includes(node.getLiteralValue())) out.push(node);
  };
  // `import type` only names the library's types; the file that calls it is the one to report.
  for (const decl of sourceFile.getImportDeclarations()) if (!decl.isTypeOnly()) consider(decl.getModuleSpecifier());
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (callee.getKind() === SyntaxKind.ImportKeyword || (Node.isIdentifier(callee) && callee.getText() === 'require')) consider(call.getArguments()[0]);
  }
  for (const decl of sourceFile.getDescendantsOfKind(SyntaxKind.ExternalModuleReference)) consider(decl.getExpression());
  return out;
}

/**
 * The flow a transaction call belongs to: its function, or, for a callback
 * run by a transaction (`ordersDb.transaction(async (m) => ...)`), the
 * function that started that transaction, so nested transactions on two
 * stores count as one flow. Top-level code is the file's flow.
 */
function flowOf(node: Node, model: SystemModel): Node {
  let fn = node.getFirstAncestor(isFunctionLike);
  while (fn && (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) {
    const call = fn.getParent();
    if (!call || !Node.isCallExpression(call) || !call.getArguments().includes(fn)) break;
    const runsTransaction = model.analysis.factsAt(call).some((f) => f.kind === 'tx') || /transaction/i.test(calleeName(call).getText());
    const outer = runsTransaction ? call.getFirstAncestor(isFunctionLike) : undefined;
    if (!outer) break;
    fn = outer;
  }
  return fn ?? node.getSourceFile();
}

interface Origin {
  /** Identity of the client object the transaction runs on. */
  key: string;
  /** The expression that created it (`new Pool(...)`, `mysql.createPool(...)`), when visible. */
  created?: Node;
}

/** Calls that hand out a connection (or session) of the client they are called on. */
const CONNECTION_OF = /^(connect|getConnection|promise|startSession|createQueryRunner)$/;

/**
 * The client a transaction call runs on, followed back through variables and
 * `await pool.connect()` / `getConnection()` / `startSession()`, so two
 * connections of one pool are one client.
 */
function clientOrigin(nameNode: Node): Origin | undefined {
  const access = nameNode.getParent();
  if (!access || !Node.isPropertyAccessExpression(access)) return undefined;
  let current: Node = access.getExpression();
  const keyOf = (n: Node) => `${n.getSourceFile().getFilePath()}:${n.getStart()}`;
  for (let depth = 0; depth < 8; depth++) {
    while (Node.isAwaitExpression(current) || Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isNonNullExpression(current)) {
      current = current.getExpression();
    }
    if (Node.isCallExpression(current)) {
      const callee = current.getExpression();
      if (Node.isPropertyAccessExpression(callee) && CONNECTION_OF.test(callee.getName())) {
        current = callee.getExpression();
        continue;
      }
      return { key: keyOf(current), created: current };
    }
    if (Node.isNewExpression(current)) return { key: keyOf(current), created: current };
    if (!Node.isIdentifier(current) && !Node.isPropertyAccessExpression(current)) return { key: keyOf(current) };
    let decl: Node | undefined;
    try {
      let symbol = Node.isPropertyAccessExpression(current) ? current.getNameNode().getSymbol() : current.getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
      decl = symbol?.getDeclarations()[0];
    } catch {
      decl = undefined;
    }
    if (!decl) return { key: `${current.getSourceFile().getFilePath()}:${current.getText()}` };
    const init = Node.isVariableDeclaration(decl) || Node.isPropertyDeclaration(decl) ? decl.getInitializer() : undefined;
    if (!init) return { key: keyOf(decl) };
    current = init;
  }
  return undefined;
}

/**
 * True when the two origins are known to be two datastores: clients of different kinds of store (Postgres and
 * MongoDB), or two connections whose identities (resolved URLs, or the arguments they are built with) differ.
 */
function differentDatastores(model: SystemModel, a: Origin, b: Origin): boolean {
  const store = (o: Origin): { kind?: string; identity?: string } | undefined => {
    if (!o.created) return undefined;
    const client = model.analysis.factsAt(o.created).find((f) => f.kind === 'client');
    if (!client) return undefined;
    const envVars = [...(client.envVars ?? [])];
    if (client.store === 'prisma' && !envVars.length) envVars.push(...model.datastores.prismaEnv(o.created.getSourceFile().getFilePath()));
    const ids = model.datastores.identities(model.serviceOf(o.created), envVars, client.urls ?? []).map((i) => i.key);
    const kind = client.store === 'prisma' ? undefined : client.store;
    if (ids.length) return { kind, identity: ids.sort().join('|') };
    const args = Node.isCallExpression(o.created) || Node.isNewExpression(o.created) ? (o.created.getArguments() ?? []) : [];
    return { kind, identity: args.length ? `${client.library}(${args.map((n) => n.getText().replace(/\s+/g, '')).join(',')})` : undefined };
  };
  const sa = store(a);
  const sb = store(b);
  // Two handles of which neither is built here (`constructor(orders: DataSource, billing: DataSource)`): two injected connections.
  if (!sa && !sb) return !a.created && !b.created;
  if (!sa || !sb) return false;
  if (sa.kind && sb.kind && sa.kind !== sb.kind) return true;
  return !!sa.identity && !!sb.identity && sa.identity !== sb.identity;
}

function receiverText(nameNode: Node): string {
  const access = nameNode.getParent();
  return access && Node.isPropertyAccessExpression(access) ? access.getExpression().getText() : nameNode.getText();
}
