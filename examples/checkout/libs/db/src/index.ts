import { Pool, type PoolConfig } from 'pg';

/**
 * Builds a pg pool with the settings every checkout service uses.
 *
 * This module owns no connection of its own: each service passes the
 * connection string of its own database, read from its own environment.
 */
export function createPool(
  connectionString: string | undefined,
  applicationName: string,
  overrides: PoolConfig = {},
): Pool {
  if (!connectionString) {
    throw new Error(`${applicationName}: database connection string is not set`);
  }
  const pool = new Pool({
    connectionString,
    application_name: applicationName,
    max: 10,
    idleTimeoutMillis: 30_000,
    statement_timeout: 5_000,
    ...overrides,
  });
  pool.on('error', (err) => console.error(`[${applicationName}] idle pg client error`, err));
  return pool;
}
