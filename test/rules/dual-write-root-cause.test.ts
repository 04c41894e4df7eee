/**
 * dual-write, one finding per root cause: service functions that each call the same shared write
 * helper and the same shared publish helper share one (write, publish) pair. It is reported once,
 * at the first flow in file order, with the other flows as related locations and the count in the
 * message; a flow pairing a different write is its own finding.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const METADATA = lines(
  "import { MongoClient } from 'mongodb';",
  "const coll = new MongoClient(process.env.MONGO_URL!).db('forms').collection('metadata');",
  'export async function updateAudit(formId: string, by: string) {',
  '  await coll.updateOne({ formId }, { $set: { updatedBy: by, updatedAt: new Date() } });',
  '}',
);

const VERSIONS = lines(
  "import { MongoClient } from 'mongodb';",
  "const coll = new MongoClient(process.env.MONGO_URL!).db('forms').collection('versions');",
  'export async function addVersion(formId: string) {',
  '  await coll.insertOne({ formId, at: new Date() });',
  '}',
);

const PUBLISH = lines(
  "import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';",
  'const sns = new SNSClient({});',
  'export async function publishAudit(type: string, formId: string) {',
  '  await sns.send(new PublishCommand({ TopicArn: process.env.AUDIT_TOPIC_ARN, Message: JSON.stringify({ type, formId }) }));',
  '}',
);

const SERVICE = lines(
  "import { updateAudit } from '../repositories/metadata';",
  "import { addVersion } from '../repositories/versions';",
  "import { publishAudit } from '../messaging/publish';",
  '',
  'export async function renameForm(formId: string, by: string) {',
  '  await updateAudit(formId, by);',
  "  await publishAudit('FORM_RENAMED', formId);",
  '}',
  '',
  'export async function addPage(formId: string, by: string) {',
  '  await updateAudit(formId, by);',
  "  await publishAudit('PAGE_ADDED', formId);",
  '}',
  '',
  'export async function publishDraft(formId: string) {',
  '  await addVersion(formId);',
  "  await publishAudit('FORM_PUBLISHED', formId);",
  '}',
);

const FILES = {
  'src/repositories/metadata.ts': METADATA,
  'src/repositories/versions.ts': VERSIONS,
  'src/messaging/publish.ts': PUBLISH,
  'src/service/forms.ts': SERVICE,
};

const pos = (text: string, needle: string) => { const p = at(text, needle); return `${p.line}:${p.column}`; };
const first = at(SERVICE, 'publishAudit(');
const second = at(SERVICE, 'publishAudit(', 2);

runRuleTests('dual-write', {
  valid: [],
  invalid: [
    {
      name: 'two flows sharing the write and publish helpers are one finding; the flow with another write is its own',
      files: FILES,
      errors: [
        {
          messageId: 'dualWrite', file: 'src/service/forms.ts', ...first,
          related: [
            `src/repositories/metadata.ts:${pos(METADATA, 'updateOne')} the datastore write: updateOne on metadata`,
            `src/messaging/publish.ts:${pos(PUBLISH, 'send(')} the publish: SNS PublishCommand`,
            `src/service/forms.ts:${second.line}:${second.column} the same write and publish in another flow (addPage)`,
          ],
        },
        { messageId: 'dualWrite', file: 'src/service/forms.ts', ...at(SERVICE, 'publishAudit(', 3) },
      ],
    },
  ],
});
