/**
 * Redis (ioredis, node-redis) and the Redis lock libraries (redlock, redis-semaphore,
 * redlock-universal, simple-redis-mutex, redfour / ioredfour). `SET key value NX` is a dedupe
 * guard when the key names a message, and a lock when the key names a lock
 * (but not an idempotency record's in-flight marker, `idemlock:...`); a key
 * built by a workspace function is read from what it returns. `SET` without NX
 * is neither.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Fact } from '../facts';
import { arg, calleeName, stringValue } from '../syntax';
import type { Analysis } from '../analysis';
import { isFunctionLike } from '../analysis';
import { Evaluator } from '../constantValues';

const LOCK_KEY = /lock|mutex|leader|semaphore|lease/i;
/** Keys of an idempotency record or dedupe marker (`idemlock:<team>:<key>`, `idempotency:...`): a guard even when they say "lock". */
const IDEMPOTENCY_KEY = /idempot|(^|[^a-z])idem|dedup/i;

/** The key's text: a literal, or the string a workspace key builder returns (`lockKey(team, key)` → `idemlock:${team}:${key}`). */
function keyText(node: Node | undefined, analysis?: Analysis): string {
  if (!node) return '';
  const literal = stringValue(node);
  if (literal !== undefined) return literal;
  if (analysis && Node.isCallExpression(node)) {
    const fn = analysis.resolveCallee(node);
    const body = fn && (fn as { getBody?(): Node | undefined }).getBody?.();
    const returned = body && Node.isBlock(body) ? body.getStatements().flatMap((st) => (Node.isReturnStatement(st) && st.getExpression() ? [st.getExpression()!] : [])) : body ? [body] : [];
    if (returned.length === 1) return `${node.getText()} ${returned[0].getText()}`;
  }
  return node.getText();
}

const FLAG = (flag: RegExp) => (a: Node) => { const v = stringValue(a, 0); return v !== undefined && flag.test(v); };

function setCall(library: string): OperationAnalyzer {
  return (call, analysis) => {
    const args = (call as unknown as { getArguments(): Node[] }).getArguments();
    const rest = args.slice(2);
    const nx = rest.some((a) => FLAG(/^NX$/i)(a) || (Node.isObjectLiteralExpression(a) && /\bNX\s*:\s*true/.test(a.getText())));
    if (!nx) return undefined;
    const expiry = rest.some((a) => FLAG(/^(PX|EX)$/i)(a) || (Node.isObjectLiteralExpression(a) && /\b(PX|EX)\s*:/.test(a.getText())));
    return classifyNx(library, call, keyText(args[0]), expiry, keyText(args[0], analysis));
  };
}

/**
 * `client.set(key, value, 'EX', ttl, 'NX')` on a client whose type the analysis cannot follow (a
 * JavaScript wrapper handing an ioredis client around): the flags, given as literals in SET's own
 * argument grammar (NX together with EX or PX), are Redis's and no other store's. Without both flags
 * the call is left alone (`map.set(k, v)`).
 */
const untypedSet: OperationAnalyzer = (call, analysis) => {
  const rest = (call as unknown as { getArguments(): Node[] }).getArguments().slice(2);
  // A workspace wrapper with Redis's signature is recognized inside, where it calls the client.
  if (analysis.resolveCallee(call)) return undefined;
  if (!rest.some(FLAG(/^NX$/i)) || !rest.some(FLAG(/^(PX|EX)$/i))) return undefined;
  const facts = setCall('redis')(call, analysis);
  const said = (f: Fact): Fact => ({ ...f, detail: `${f.detail} (a Redis SET by its NX/EX arguments; the client's type is not known)` });
  return Array.isArray(facts) ? facts.map(said) : facts && said(facts);
};

/**
 * SET NX is a lock when its key says so, or when the code taking it says so: the function or class
 * around it is named for a lock (`tryLock` in `RedisLocker`, `acquireMutex`), and neither names an
 * idempotency record. Otherwise it is a dedupe guard.
 */
function classifyNx(library: string, call: Node, key: string, expiry: boolean, built = key): Fact | Fact[] {
  const guard: Fact = { kind: 'guard', node: calleeName(call), library, detail: `SET ${key} NX` };
  const lock: Fact = { kind: 'lock', node: calleeName(call), library, detail: `SET ${key} NX${expiry ? ' with expiry' : ''}` };
  if (LOCK_KEY.test(built) && !IDEMPOTENCY_KEY.test(built)) return lock;
  const holders = enclosingNames(call);
  // Named for a lock by the code around it only (`acquireLock(name)`): a lock, and still the claim of a key it
  // is, which a caller may take on a message's id to stop a repeat (`acquireLock(jobId)` before a publish).
  if (holders.some((n) => LOCK_KEY.test(n)) && !holders.some((n) => IDEMPOTENCY_KEY.test(n)) && !IDEMPOTENCY_KEY.test(built)) return [lock, guard];
  return guard;
}

/** The names of the function a call is in and of its class: a declaration's name, or what it is assigned to (`_mocks.tryLock = (...) =>`). */
function enclosingNames(call: Node): string[] {
  const fn = call.getFirstAncestor(isFunctionLike);
  if (!fn) return [];
  const named = (fn as unknown as { getName?(): string | undefined }).getName?.();
  const parent = fn.getParent();
  const assigned = named ?? (parent && (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent) || Node.isPropertyDeclaration(parent)) ? parent.getName()
    : parent && Node.isBinaryExpression(parent) && parent.getRight() === fn ? parent.getLeft().getText().split('.').pop() : undefined);
  const cls = fn.getFirstAncestor((n) => Node.isClassDeclaration(n) || Node.isClassExpression(n)) as { getName?(): string | undefined } | undefined;
  return [assigned, cls?.getName?.()].filter((n): n is string => !!n);
}

const setnx = (library: string): OperationAnalyzer => (call) => classifyNx(library, call, keyText(arg(call, 0)), false);

const lock = (library: string): OperationAnalyzer => (call) =>
  ({ kind: 'lock', node: calleeName(call), library, detail: `${library} ${calleeName(call).getText()}(${arg(call, 0)?.getText().slice(0, 40) ?? ''})` });

/** A lease this long, never released, marks work as done rather than serialising it. */
const RUN_ONCE_MS = 24 * 60 * 60 * 1000;

/**
 * `redlock.acquire([key], ttl)`: a lock, unless it is a run-once marker: a lease of a day or more
 * (`60 * 60 * 24 * 30 * 1000`) that the code around it never releases, taken so that one process
 * starts a one-off job (a backfill) and the others skip it. That is a deduplication key with an
 * expiry, like `SET key NX` on a message id, not two processes taking turns.
 */
const redlockAcquire: OperationAnalyzer = (call, analysis) => {
  const given = arg(call, 1);
  const ttl = given ? new Evaluator(new Map(), call).value(given) : undefined;
  const scope = call.getFirstAncestor(isFunctionLike) ?? call.getSourceFile();
  if (ttl?.kind !== 'lit' || typeof ttl.value !== 'number' || ttl.value < RUN_ONCE_MS || /\.(release|unlock)\s*\(/.test(scope.getText())) return lock('redlock')(call, analysis);
  return { kind: 'guard', node: calleeName(call), library: 'redlock', detail: `redlock ${calleeName(call).getText()}(${arg(call, 0)?.getText().slice(0, 40) ?? ''}) held ${Math.round(ttl.value / RUN_ONCE_MS)} days and never released: a run-once marker` };
};

/** A lock method taking the key first (`lock.acquireLock(key, ttl)`): the detail names the key. */
const keyedLock = (library: string): OperationAnalyzer => (call) =>
  ({ kind: 'lock', node: calleeName(call), library, detail: `${library} ${calleeName(call).getText()}(${keyText(arg(call, 0)).slice(0, 40)})` });

/** A lock function taking (client, lockName): the detail names the lock. */
const namedLock = (library: string): OperationAnalyzer => (call) =>
  ({ kind: 'lock', node: calleeName(call), library, detail: `${library} ${calleeName(call).getText()}(${keyText(arg(call, 1)).slice(0, 40)})` });

/**
 * Cache and counter writes (ioredis names, and node-redis camelCase): a counter step is not
 * idempotent (a repeat counts twice); EXPIRE and PFADD (HyperLogLog add) are. Plain SET without NX
 * is not a write fact (a cache fill). Every Redis write is a cache or counter write for the rules
 * (isCacheWrite): dual-write does not pair it with a publish, and a consumer doing only these is
 * bookkeeping (dual-write's own-analytics channels).
 */
const COUNTER_COMMANDS: [string[], string, boolean][] = [
  [['incr', 'INCR'], 'INCR', true],
  [['incrby', 'incrBy', 'INCRBY'], 'INCRBY', true],
  [['incrbyfloat', 'incrByFloat', 'INCRBYFLOAT'], 'INCRBYFLOAT', true],
  [['decr', 'DECR'], 'DECR', true],
  [['decrby', 'decrBy', 'DECRBY'], 'DECRBY', true],
  [['hincrby', 'hIncrBy', 'HINCRBY'], 'HINCRBY', true],
  [['hincrbyfloat', 'hIncrByFloat', 'HINCRBYFLOAT'], 'HINCRBYFLOAT', true],
  [['zincrby', 'zIncrBy', 'ZINCRBY'], 'ZINCRBY', true],
  [['pfadd', 'pfAdd', 'PFADD'], 'PFADD', false],
  [['expire', 'EXPIRE'], 'EXPIRE', false],
];

function counterWrites(): Record<string, OperationAnalyzer> {
  const out: Record<string, OperationAnalyzer> = {};
  for (const [methods, command, counts] of COUNTER_COMMANDS) {
    const op: OperationAnalyzer = (call) => ({
      kind: 'write', node: calleeName(call), library: 'redis', detail: `${command} ${keyText(arg(call, 0))}`, ...(counts ? { nonIdempotent: true } : {}),
    });
    for (const m of methods) out[`redis.Client|${m}`] = op;
  }
  return out;
}

/** A Redis write: a cache or counter entry, not business state (see COUNTER_COMMANDS). */
export function isCacheWrite(fact: Fact): boolean {
  return fact.kind === 'write' && fact.library === 'redis';
}

export const redis: LibraryTable = {
  name: 'redis',
  transitions: {
    'ioredis#default|new': 'redis.Client',
    'ioredis#Redis|new': 'redis.Client',
    'ioredis#Cluster|new': 'redis.Client',
    // CommonJS: `const Redis = require('ioredis')` is the class itself.
    'ioredis#*|new': 'redis.Client',
    'ioredis#default|instance': 'redis.Client',
    'ioredis#Redis|instance': 'redis.Client',
    'redis#createClient|()': 'redis.Client',
    'redis#createCluster|()': 'redis.Client',
    'redis#RedisClientType|instance': 'redis.Client',
    'redis.Client|duplicate()': 'redis.Client',
    'redlock#default|new': 'redlock.Redlock',
    'redlock#Redlock|new': 'redlock.Redlock',
    'redlock#default|instance': 'redlock.Redlock',
    // CommonJS (redlock v4): `const Redlock = require('redlock')`.
    'redlock#*|new': 'redlock.Redlock',
    '@sesamecare-oss/redlock#Redlock|new': 'redlock.Redlock',
    '@sesamecare-oss/redlock#default|new': 'redlock.Redlock',
    'redis-semaphore#Mutex|new': 'redlock.Mutex',
    'redis-semaphore#RedlockMutex|new': 'redlock.Mutex',
    'redis-semaphore#Semaphore|new': 'redlock.Mutex',
    'redis-semaphore#MultiSemaphore|new': 'redlock.Mutex',
    'redis-semaphore#RedlockSemaphore|new': 'redlock.Mutex',
    'redis-semaphore#RedlockMultiSemaphore|new': 'redlock.Mutex',
    // redlock-universal: `createLock({ adapter, key, ttl })`, `createPrefixedLock(adapter, prefix, key)`,
    // `createRedlock({ adapters, key, ttl })` and the exported classes → a lock handle.
    'redlock-universal#createLock|()': 'redlockUniversal.Lock',
    'redlock-universal#createPrefixedLock|()': 'redlockUniversal.Lock',
    'redlock-universal#createRedlock|()': 'redlockUniversal.Lock',
    'redlock-universal#SimpleLock|new': 'redlockUniversal.Lock',
    'redlock-universal#RedLock|new': 'redlockUniversal.Lock',
    // redfour and its fork ioredfour: `const Lock = require('ioredfour'); new Lock({ redis, namespace })`.
    ...Object.fromEntries(['redfour', 'ioredfour'].flatMap((m) => [[`${m}#*|new`, 'redfour.Lock'], [`${m}#default|new`, 'redfour.Lock']])),
  },
  operations: {
    'redis.Client|set': setCall('redis'),
    'redis.Client|SET': setCall('redis'),
    '?|set': untypedSet,
    'redis.Client|setnx': setnx('redis'),
    'redis.Client|setNX': setnx('redis'),
    'redis.Client|SETNX': setnx('redis'),
    ...counterWrites(),
    'redlock.Redlock|acquire': redlockAcquire,
    'redlock.Redlock|lock': redlockAcquire,
    'redlock.Redlock|using': lock('redlock'),
    'redlock.Mutex|acquire': lock('redis-semaphore'),
    'redlock.Mutex|tryAcquire': lock('redis-semaphore'),
    'redlockUniversal.Lock|acquire': lock('redlock-universal'),
    'redlockUniversal.Lock|using': lock('redlock-universal'),
    // redfour / ioredfour: `acquireLock(key, ttl)`, `waitAcquireLock(key, ttl, wait)`.
    'redfour.Lock|acquireLock': keyedLock('redfour'),
    'redfour.Lock|waitAcquireLock': keyedLock('redfour'),
    // simple-redis-mutex: `lock(redis, 'name')` / `tryLock(redis, 'name')`.
    'simple-redis-mutex#lock|()': namedLock('simple-redis-mutex'),
    'simple-redis-mutex#tryLock|()': namedLock('simple-redis-mutex'),
  },
};
