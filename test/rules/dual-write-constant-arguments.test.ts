/**
 * dual-write: branches that values decide. A value passed down (an enum member
 * in an object literal, a `false` flag, a missing option) can rule out the
 * branch a callee publishes on; what is not known (a parameter of the flow, an
 * unknown spread) never does. Two `if`s that pin one value to disjoint
 * constants (directly or through one-line predicate helpers) never both run.
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

/**
 * A settings use case: the publish (line 24) runs for the mute settings, the write (through the
 * recovery-code generator) for the MFA secret; `between` is inserted before the second `if`.
 */
const settings = (muteNames: string, between = '') => `${HEAD}
export class SettingName {
  static readonly NAMES = { MuteMarketingEmails: 'MUTE_MARKETING', MuteSignInEmails: 'MUTE_SIGN_IN', MfaSecret: 'MFA_SECRET' };
}

class RecoveryCodes {
  async generate(userId: string) {
    await prisma.recoveryCode.create({ data: { userId } });
  }
}

export class AfterSettingUpdate {
  constructor(private readonly codes: RecoveryCodes) {}

  async execute(dto: { name: string; value: string | null; userId: string }) {
    if (this.isMuteSetting(dto.name)) {
      await producer.send({ topic: 'settings.mute-changed', messages: [{ key: dto.userId, value: dto.value ?? '' }] });
    }
${between}
    if (this.isEnablingMfa(dto.name, dto.value)) {
      await this.codes.generate(dto.userId);
    }
  }

  private isMuteSetting(name: string): boolean {
    return [${muteNames}].includes(name);
  }

  private isEnablingMfa(name: string, value: string | null): boolean {
    return name === SettingName.NAMES.MfaSecret && value !== null;
  }
}
`;

/** A change handler: publishes when the opportunity is LIVE, clears alerts under `clearWhen` (line 16). */
const opportunityChange = (clearWhen: string) => `${HEAD}
export enum State { DRAFT = 'draft', LIVE = 'live' }

export async function onOpportunityChange(data: { op: string; before?: { state: State }; after?: { id: string; type: string; state: State } }) {
  if (data.after?.type === 'job' && data.after?.state === State.LIVE) {
    await producer.send({ topic: 'opportunity.live', messages: [{ key: data.after!.id, value: data.after!.id }] });
  }
  if (data.op === 'u' && data.before?.state === State.LIVE) {
    if (${clearWhen}) {
      await prisma.alert.updateMany({ where: { opportunityId: data.after!.id }, data: { opportunityId: null } });
    }
  }
}
`;

runRuleTests('dual-write', {
  valid: [
    {
      name: 'one if pins the state to LIVE, the other runs only when it is not LIVE (!==): never both',
      files: { 'services/jobs/src/cdc.ts': opportunityChange('data.after?.state !== State.LIVE') },
    },
    {
      name: 'the same with the state enum of a library whose values the workspace does not show',
      files: { 'services/jobs/src/cdc.ts': opportunityChange('data.after?.state !== State.LIVE').replace("export enum State { DRAFT = 'draft', LIVE = 'live' }", "import { OpportunityState as State } from '@acme/schema';") },
    },
    {
      name: 'not LIVE and not DRAFT (!== && !==) rules out LIVE as well',
      files: { 'services/jobs/src/cdc.ts': opportunityChange("data.after?.state !== State.DRAFT && data.after?.state !== State.LIVE") },
    },
    {
      name: 'two ifs whose helpers pin the same value to disjoint constants never both run',
      files: { 'services/auth/src/after-setting-update.ts': settings('SettingName.NAMES.MuteMarketingEmails, SettingName.NAMES.MuteSignInEmails') },
    },
    {
      name: 'a one-line predicate helper evaluated on the caller\'s object literal rules out the write',
      files: {
        'services/auth/src/backup.ts': `${HEAD}
class KeyParams {
  async execute(dto: { userId: string; codeChallenge?: string }) {
    if (this.isChallenged(dto)) {
      await prisma.codeChallenge.create({ data: { code: dto.codeChallenge! } });
    }
  }

  private isChallenged(dto: { codeChallenge?: string }): boolean {
    return dto.codeChallenge !== undefined;
  }
}

export class TriggerBackup {
  constructor(private readonly keyParams: KeyParams) {}

  async run(userId: string) {
    await this.keyParams.execute({ userId });
    await producer.send({ topic: 'backup.requested', messages: [{ key: userId, value: userId }] });
  }
}
`,
      },
    },
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
      name: 'not DRAFT does not rule out LIVE: both may run',
      files: { 'services/jobs/src/cdc.ts': opportunityChange('data.after?.state !== State.DRAFT') },
      errors: [{ messageId: 'dualWrite', file: 'services/jobs/src/cdc.ts', line: 13, column: 20 }],
    },
    {
      name: 'library enum members of different names prove nothing apart: LIVE and ARCHIVED may be one value',
      files: {
        'services/jobs/src/cdc.ts': opportunityChange('data.after?.state === State.ARCHIVED').replace("export enum State { DRAFT = 'draft', LIVE = 'live' }", "import { OpportunityState as State } from '@acme/schema';"),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/jobs/src/cdc.ts', line: 13, column: 20 }],
    },
    {
      name: 'not LIVE or not DRAFT rules out nothing',
      files: { 'services/jobs/src/cdc.ts': opportunityChange('data.after?.state !== State.LIVE || data.after?.state !== State.DRAFT') },
      errors: [{ messageId: 'dualWrite', file: 'services/jobs/src/cdc.ts', line: 13, column: 20 }],
    },
    {
      name: 'constant sets that meet: the same setting may take both branches',
      files: { 'services/auth/src/after-setting-update.ts': settings('SettingName.NAMES.MuteMarketingEmails, SettingName.NAMES.MfaSecret') },
      errors: [{ messageId: 'dualWrite', line: 24, column: 22 }],
    },
    {
      name: 'the object holding the value is handed to a call between the ifs, which may change it',
      files: { 'services/auth/src/after-setting-update.ts': settings('SettingName.NAMES.MuteMarketingEmails, SettingName.NAMES.MuteSignInEmails', '    normalize(dto);') },
      errors: [{ messageId: 'dualWrite', line: 24, column: 22 }],
    },
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
