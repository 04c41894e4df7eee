/**
 * dual-write and a getter that creates what it cannot find: `fetchActor()` returns the cached or stored
 * system account and inserts one only when the lookup found nothing. The flow calls it for its value; the
 * row created on first use is not what the flow's later job announces. A callee that always inserts, or
 * the flow's own insert, still pairs with the job. So are defaults a getter fills into a found record that
 * lacks them.
 */
import { runRuleTests } from '../support/ruleTester';

/** The accounts module: `fetchActor` (get-or-create) and `createActor` (always inserts). */
const ACCOUNTS = `import { Pool } from 'pg';

export const pool = new Pool();
const cache = new Map<string, { id: string }>();

export async function fetchActor(type: string): Promise<{ id: string }> {
  const cached = cache.get(type);
  if (cached) return cached;
  const found = await findAccount(type);
  if (found) {
    cache.set(type, found);
    return found;
  } else {
    const id = crypto.randomUUID();
    await pool.query('INSERT INTO system_accounts (id, type) VALUES ($1, $2)', [id, type]);
    return { id };
  }
}

export async function createActor(type: string): Promise<{ id: string }> {
  const id = crypto.randomUUID();
  await pool.query('INSERT INTO system_accounts (id, type) VALUES ($1, $2)', [id, type]);
  return { id };
}

export async function fetchSettings(scope: string): Promise<{ domain?: string; region?: string }> {
  let settings = await findSettings(scope);
  if (!settings) {
    throw new Error('settings missing');
  } else if (FILL_TEST) {
    await pool.query("UPDATE settings SET domain = 'example.org', region = 'eu' WHERE scope = $1", [scope]);
    settings = { domain: 'example.org', region: 'eu' };
  }
  return settings;
}

async function findSettings(scope: string): Promise<{ domain?: string; region?: string } | undefined> {
  const { rows } = await pool.query('SELECT domain, region FROM settings WHERE scope = $1', [scope]);
  return rows[0];
}

async function findAccount(type: string): Promise<{ id: string } | undefined> {
  const { rows } = await pool.query('SELECT id FROM system_accounts WHERE type = $1', [type]);
  return rows[0];
}
`;

/** The flow: gets the actor (line 7), optionally inserts the report itself, then queues its delivery. */
const reports = (getter: string, ownInsert: boolean) => `import { Queue } from 'bullmq';
import { ${getter}, pool } from './accounts';

const deliver = new Queue('deliver');

export async function reportAbuse(targetId: string, comment: string) {
  const actor = await ${getter}('actor');
  ${ownInsert ? "await pool.query('INSERT INTO abuse_reports (target, comment) VALUES ($1, $2)', [targetId, comment]);" : '// nothing of its own is stored'}
  await deliver.add('flag', { actor: actor.id, targetId, comment });
}
`;

const files = (getter: string, ownInsert: boolean, fillTest = '!settings.domain && !settings.region') => ({
  'services/federation/src/accounts.ts': ACCOUNTS.replace('FILL_TEST', fillTest),
  'services/federation/src/reports.ts': reports(getter, ownInsert),
  'services/delivery/src/worker.ts': "import { Worker } from 'bullmq';\nnew Worker('deliver', async (job) => { await fetch('https://remote.example/inbox', { method: 'POST', body: JSON.stringify(job.data) }); });\n",
});

const atTheJob = [{ messageId: 'dualWrite', file: 'services/federation/src/reports.ts', line: 9, column: 17 }];

runRuleTests('dual-write', {
  valid: [
    { name: 'the only write is the account the getter creates when none exists yet', files: files('fetchActor', false) },
    { name: 'the only write is the defaults the getter fills into a found record that lacks them (`!settings.domain && !settings.region`)', files: files('fetchSettings', false) },
  ],
  invalid: [
    { name: 'a callee that always inserts: its row is the change before the job', files: files('createActor', false), errors: atTheJob },
    { name: 'the flow inserts the report itself before the job', files: files('fetchActor', true), errors: atTheJob },
    { name: 'a getter that rewrites a field the found record has (`settings.region`): not a default filled in', files: files('fetchSettings', false, 'settings.region'), errors: atTheJob },
  ],
});
