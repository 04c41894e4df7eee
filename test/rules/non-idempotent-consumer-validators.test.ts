/**
 * non-idempotent-consumer and validators: a handler that looks a record up and calls a validator
 * whose body only throws when a field is set (`throwIfBuilt(tenant)`: `if (tenant.builtAt) throw`),
 * then runs its effects and calls a method whose update sets that field, stops a redelivered message
 * at the validator, as it would at the `if` itself. A validator of a field the flow never sets, or one
 * that only logs, guards nothing.
 */
import { runRuleTests } from '../support/ruleTester';

const tenants = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export interface Tenant { id: string; builtAt?: string; suspendedAt?: string }

export class Tenants {
  async get(id: string): Promise<Tenant> {
    const result = await db.send(new GetCommand({ TableName: 'Tenants', Key: { Id: id } }));
    return { id, builtAt: result.Item?.BuiltAt as string | undefined, suspendedAt: result.Item?.SuspendedAt as string | undefined };
  }

  async seed(id: string): Promise<void> {
    await db.send(new PutCommand({ TableName: 'Accounts', Item: { Id: randomUUID(), TenantId: id, Name: 'Cash' } }));
  }

  async markAsBuilt(id: string): Promise<void> {
    await db.send(new UpdateCommand({ TableName: 'Tenants', Key: { Id: id }, UpdateExpression: 'SET builtAt = :t', ExpressionAttributeValues: { ':t': new Date().toISOString() } }));
  }
}

export function throwIfBuilt(tenant: Tenant): void {
  if (tenant.builtAt) {
    throw new Error('The tenant is already built.');
  }
}

export function throwIfSuspended(tenant: Tenant): void {
  if (tenant.suspendedAt) {
    throw new Error('The tenant is suspended.');
  }
}

export function warnIfBuilt(tenant: Tenant): void {
  if (tenant.builtAt) {
    console.warn('The tenant is already built.');
  }
}
`;

/** An SQS Lambda (handler on line 6) that calls `check` before seeding and marking the tenant built. */
const handler = (check: string) => `import type { SQSEvent } from 'aws-lambda';
import { Tenants, throwIfBuilt, throwIfSuspended, warnIfBuilt } from './tenants';

const tenants = new Tenants();

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const { tenantId } = JSON.parse(record.body) as { tenantId: string };
    const tenant = await tenants.get(tenantId);
    ${check}
    await tenants.seed(tenantId);
    await tenants.markAsBuilt(tenantId);
  }
};
`;

const files = (check: string) => ({
  'lambdas/build-tenant/src/tenants.ts': tenants,
  'lambdas/build-tenant/src/main.ts': handler(check),
});

const atTheHandler = [{ messageId: 'unguarded', file: 'lambdas/build-tenant/src/main.ts', line: 6, column: 14 }];

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'a validator that throws when the field the flow then sets is already set', files: files('throwIfBuilt(tenant);') },
  ],
  invalid: [
    { name: 'a validator of a field the flow never sets guards nothing', files: files('throwIfSuspended(tenant);'), errors: atTheHandler },
    { name: 'a helper that only logs does not stop the flow', files: files('warnIfBuilt(tenant);'), errors: atTheHandler },
    { name: 'no check at all', files: files(''), errors: atTheHandler },
  ],
});
