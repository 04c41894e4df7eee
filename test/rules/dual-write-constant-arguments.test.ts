/**
 * dual-write: branches that a flow's constant call arguments decide. A value
 * passed down (an enum member in an object literal, a `false` flag, a missing
 * option) can rule out the branch a callee publishes on; what is not known
 * (a parameter of the flow, an unknown spread) never does.
 */
import { runRuleTests } from '../support/ruleTester';

const HEAD = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

export enum Platform { GIT = 'git', GITHUB = 'github', JIRA = 'jira' }
`;

/**
 * An integration service whose create() publishes only for a GitHub integration on its first update,
 * three calls below the flow that names the platform (`connect`, line 27, after its write on line 26).
 */
const integrations = (platformArg: string, connectParams = 'id: string') => `${HEAD}
export class IntegrationService {
  async createOrUpdate(data: { platform: Platform; settings?: unknown }) {
    return this.create(data);
  }

  async create(data: { platform: Platform; settings?: unknown }) {
    const { platform } = data;
    await this.updateInsights({ id: String(data.settings), isFirstUpdate: true, platform });
  }

  private async updateInsights({ id, isFirstUpdate = false, platform }: { id: string; isFirstUpdate?: boolean; platform: Platform }) {
    if ((platform === Platform.GITHUB || platform === Platform.JIRA) && isFirstUpdate) {
      await producer.send({ topic: 'insights.categorize', messages: [{ key: id, value: id }] });
    }
  }

  async connect(${connectParams}) {
    await prisma.connection.delete({ where: { id } });
    await this.createOrUpdate({ platform: ${platformArg}, settings: { id } });
  }
}
`;

/** update() publishes when asked to sync or when it changed a flag; `merge` writes (line 21), then calls it. */
const organizations = (updateArgs: string) => `${HEAD}
export class OrganizationService {
  async update(id: string, data: { website?: string | null; blocked?: boolean }, sync = true) {
    let recalculate = false;
    if (typeof data.blocked === 'boolean') {
      recalculate = true;
    }
    if (sync || recalculate) {
      await producer.send({ topic: 'organizations.updated', messages: [{ key: id, value: id }] });
    }
  }

  async merge(id: string, otherId: string, input: { website?: string | null; blocked?: boolean }) {
    await prisma.organizationIdentity.deleteMany({ where: { organizationId: otherId } });
    await this.update(${updateArgs});
  }
}
`;

runRuleTests('dual-write', {
  valid: [
    {
      name: 'an enum member passed three calls down rules out the branch that publishes',
      files: { 'services/integrations/src/integration.service.ts': integrations('Platform.GIT') },
    },
    {
      name: 'a false flag, and a let that is only set on a branch the argument rules out, keep the publish from running',
      files: { 'services/organizations/src/organization.service.ts': organizations(`otherId, { website: null }, false`) },
    },
    {
      name: 'an option the caller leaves out (undefined) makes an early return certain',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
async function announce(id: string, options: { publish?: boolean } = {}) {
  if (!options.publish) return;
  await producer.send({ topic: 'orders.created', messages: [{ key: id, value: id }] });
}

export async function createOrder(id: string) {
  await prisma.order.create({ data: { id } });
  await announce(id, { });
}
`,
      },
    },
    {
      name: 'a switch on a constant argument does not enter the case that publishes',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
async function after(kind: 'draft' | 'placed', id: string) {
  switch (kind) {
    case 'placed':
      await producer.send({ topic: 'orders.placed', messages: [{ key: id, value: id }] });
      break;
    default:
      break;
  }
}

export async function saveDraft(id: string) {
  await prisma.order.create({ data: { id, status: 'draft' } });
  await after('draft', id);
}
`,
      },
    },
    {
      name: 'a value listed after a spread is known',
      files: { 'services/organizations/src/organization.service.ts': organizations(`otherId, { ...input, blocked: undefined }, false`) },
    },
  ],
  invalid: [
    {
      name: 'the enum member that the branch expects: the publish runs',
      files: { 'services/integrations/src/integration.service.ts': integrations('Platform.GITHUB') },
      errors: [{ messageId: 'dualWrite', line: 27, column: 16 }],
    },
    {
      name: 'a platform the flow itself receives is not known: the branch may run',
      files: { 'services/integrations/src/integration.service.ts': integrations('platform', 'id: string, platform: Platform') },
      errors: [{ messageId: 'dualWrite', line: 27, column: 16 }],
    },
    {
      name: 'an unknown spread after the flag may set it: the publish may run',
      files: { 'services/organizations/src/organization.service.ts': organizations(`otherId, { website: null, ...input }, false`) },
      errors: [{ messageId: 'dualWrite', line: 22, column: 16 }],
    },
    {
      name: 'sync left to its default (true): the publish runs',
      files: { 'services/organizations/src/organization.service.ts': organizations(`otherId, { website: null }`) },
      errors: [{ messageId: 'dualWrite', line: 22, column: 16 }],
    },
  ],
});
