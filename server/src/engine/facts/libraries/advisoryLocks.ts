/**
 * Packages wrapping PostgreSQL advisory locks (raw `pg_advisory_lock` SQL is
 * recognized by `sql.ts` through the SQL clients):
 *   advisory-lock:    advisoryLock(url)(name).withLock(fn) / lock() / tryLock()
 *   pg-advisory-lock: createAdvisoryLock(urlOrPool) -> createMutex(name) or { createMutex, withLock }
 */
import type { LibraryTable, OperationAnalyzer } from './table';
import { arg, calleeName, stringValue } from '../syntax';

const mutexCall = (library: string): OperationAnalyzer => (call) =>
  ({ kind: 'lock', node: calleeName(call), library, detail: `${library} ${calleeName(call).getText()}()` });

const namedCall = (library: string): OperationAnalyzer => (call) => {
  const name = arg(call, 0);
  const text = name ? stringValue(name) ?? name.getText() : '';
  return { kind: 'lock', node: calleeName(call), library, detail: `${library} ${calleeName(call).getText()}(${text.slice(0, 40)})` };
};

const MUTEX_METHODS = ['withLock', 'lock', 'tryLock', 'withLockShared', 'lockShared', 'tryLockShared', 'tryWithLock'];

export const advisoryLocks: LibraryTable = {
  name: 'advisory-locks',
  transitions: {
    'advisory-lock#default|()': 'advisoryLock.Factory',
    'advisory-lock#*|()': 'advisoryLock.Factory',
    'advisoryLock.Factory|()': 'advisoryLock.Mutex',
    'pg-advisory-lock#createAdvisoryLock|()': 'pgAdvisoryLock.Factory',
    'pgAdvisoryLock.Factory|()': 'advisoryLock.Mutex',
    'pgAdvisoryLock.Factory|.createMutex': 'pgAdvisoryLock.Factory',
    'pgAdvisoryLock.Factory|createMutex()': 'advisoryLock.Mutex',
    'pgAdvisoryLock.Factory|.withLock': 'pgAdvisoryLock.WithLock',
    'pgAdvisoryLock.Factory|.tryWithLock': 'pgAdvisoryLock.WithLock',
  },
  operations: {
    ...Object.fromEntries(MUTEX_METHODS.map((m) => [`advisoryLock.Mutex|${m}`, mutexCall('advisory lock')])),
    'pgAdvisoryLock.Factory|withLock': namedCall('pg-advisory-lock'),
    'pgAdvisoryLock.Factory|tryWithLock': namedCall('pg-advisory-lock'),
    'pgAdvisoryLock.WithLock|()': namedCall('pg-advisory-lock'),
  },
};
