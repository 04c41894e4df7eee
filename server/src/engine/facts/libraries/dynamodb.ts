/**
 * DynamoDB (SDK v3 `@aws-sdk/client-dynamodb` and `@aws-sdk/lib-dynamodb`
 * commands and aggregated clients, SDK v2 `DynamoDB` and `DocumentClient`).
 * A conditional write (`ConditionExpression`) is how DynamoDB code
 * deduplicates: `attribute_not_exists(pk)` on an insert, a version check on
 * an update. Such a write is a guard. A put without a condition overwrites
 * the item at its key, which is idempotent unless the key is generated
 * (`uuid()`); `ADD` and `SET x = x + :n` updates are not.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Analysis } from '../analysis';
import type { Fact } from '../facts';
import { writeFact } from './build';
import { arg, calleeName, prop, stringValue } from '../syntax';

const CLIENT = '@aws-sdk/client-dynamodb';
const LIB = '@aws-sdk/lib-dynamodb';
const FRESH_KEY = /uuid|randomUUID|\bv4\(|nanoid|ulid|cuid|Date\.now\(|new Date\(/;
const GUARD_CONDITION = /attribute_not_exists|<>|<\s*:|=\s*:\w*(version|rev|seq)|version|processed|handled|messageid|eventid/i;

type Verb = 'put' | 'update' | 'delete' | 'transact' | 'batch';

const COMMANDS: Record<string, Verb> = {
  PutItemCommand: 'put', PutCommand: 'put', UpdateItemCommand: 'update', UpdateCommand: 'update',
  DeleteItemCommand: 'delete', DeleteCommand: 'delete', TransactWriteItemsCommand: 'transact', TransactWriteCommand: 'transact',
  BatchWriteItemCommand: 'batch', BatchWriteCommand: 'batch',
};
const METHODS: Record<string, Verb> = {
  putItem: 'put', put: 'put', updateItem: 'update', update: 'update', deleteItem: 'delete', delete: 'delete',
  transactWriteItems: 'transact', transactWrite: 'transact', batchWriteItem: 'batch', batchWrite: 'batch',
};

/** The verb and input of `client.send(new XCommand(input))` (inline or through a const). */
function command(node: Node | undefined, analysis: Analysis): { verb: Verb; input?: Node } | undefined {
  let expr = node;
  if (expr && Node.isIdentifier(expr)) {
    const decl = expr.getSymbol()?.getDeclarations()[0];
    expr = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  }
  if (!expr || !Node.isNewExpression(expr)) return undefined;
  const t = analysis.typeOf(expr.getExpression());
  const name = t?.startsWith(`${CLIENT}#`) || t?.startsWith(`${LIB}#`) ? t.slice(t.indexOf('#') + 1) : undefined;
  const verb = name ? COMMANDS[name] : undefined;
  return verb ? { verb, input: expr.getArguments()[0] } : undefined;
}

function tableOf(input: Node | undefined): string | undefined {
  const t = prop(input, 'TableName');
  return t ? stringValue(t) ?? t.getText().slice(0, 40) : undefined;
}

/** Facts for one write request (`{ TableName, Item, ConditionExpression, UpdateExpression }`). */
function writeFacts(call: Node, verb: Verb, input: Node | undefined): Fact[] {
  const table = tableOf(input);
  const condition = prop(input, 'ConditionExpression');
  const conditionText = condition ? stringValue(condition) ?? condition.getText() : '';
  const guarded = !!condition && GUARD_CONDITION.test(conditionText);
  const facts: Fact[] = [];
  if (guarded) facts.push({ kind: 'guard', node: calleeName(call), library: 'dynamodb', detail: `conditional ${verb} (${conditionText.slice(0, 50)})`, table });
  if (verb === 'put') {
    const item = prop(input, 'Item');
    const fresh = !!item && FRESH_KEY.test(item.getText());
    facts.push(...writeFact('dynamodb', call, `put into ${table ?? '?'}${condition ? ' (conditional)' : ''}`, fresh && !condition, table));
  } else if (verb === 'update') {
    const expr = prop(input, 'UpdateExpression');
    const text = expr ? stringValue(expr) ?? expr.getText() : '';
    const inc = /(^|\s)ADD\s/i.test(text) || /(\w+)\s*=\s*\1\s*[+-]/.test(text) || /if_not_exists\([^)]*\)\s*[+-]/i.test(text);
    facts.push(...writeFact('dynamodb', call, `update ${table ?? '?'}${inc ? ' (increment)' : ''}${condition ? ' (conditional)' : ''}`, inc && !guarded, table));
  } else if (verb === 'delete') {
    facts.push(...writeFact('dynamodb', call, `delete from ${table ?? '?'}`, false, table));
  } else {
    // TransactItems / RequestItems: each Put/Update/Delete inside, literal arrays only.
    const items = prop(input, verb === 'transact' ? 'TransactItems' : 'RequestItems');
    const elements = items && Node.isArrayLiteralExpression(items) ? items.getElements() : [];
    for (const el of elements) {
      for (const [key, v] of [['Put', 'put'], ['Update', 'update'], ['Delete', 'delete'], ['ConditionCheck', 'check']] as const) {
        const inner = prop(el, key);
        if (!inner) continue;
        if (v === 'check') {
          const c = prop(inner, 'ConditionExpression');
          if (c && GUARD_CONDITION.test(stringValue(c) ?? c.getText())) facts.push({ kind: 'guard', node: calleeName(call), library: 'dynamodb', detail: 'transaction condition check', table: tableOf(inner) });
        } else facts.push(...writeFacts(call, v, inner));
      }
    }
    if (!elements.length) facts.push(...writeFact('dynamodb', call, `${verb === 'transact' ? 'transactWrite' : 'batchWrite'}`, false));
  }
  return facts;
}

const send: OperationAnalyzer = (call, analysis) => {
  const cmd = command(arg(call, 0), analysis);
  return cmd ? writeFacts(call, cmd.verb, cmd.input) : undefined;
};

const method = (verb: Verb): OperationAnalyzer => (call) => writeFacts(call, verb, arg(call, 0));

const operations: Record<string, OperationAnalyzer> = { 'dynamodb.Client|send': send };
for (const [name, verb] of Object.entries(METHODS)) operations[`dynamodb.Client|${name}`] = method(verb);

/**
 * `@aws/dynamodb-data-mapper`: `mapper.put(item)` writes a model object at the key it carries (an
 * overwrite, idempotent), `update` sets its attributes, `delete` removes it; the batch forms write
 * each item given. Conditions are expressed as objects, not read here.
 */
for (const verb of ['put', 'update', 'delete', 'batchPut', 'batchDelete', 'batchWrite']) {
  operations[`dynamodb.DataMapper|${verb}`] = (call) => writeFact('dynamodb', call, `DataMapper ${verb} ${shortArgument(call)}`, false);
}

function shortArgument(call: Node): string {
  const first = arg(call, 0);
  return first ? first.getText().slice(0, 40) : '';
}

export const dynamodb: LibraryTable = {
  name: 'dynamodb',
  transitions: {
    [`${CLIENT}#DynamoDBClient|new`]: 'dynamodb.Client',
    [`${CLIENT}#DynamoDBClient|instance`]: 'dynamodb.Client',
    [`${CLIENT}#DynamoDB|new`]: 'dynamodb.Client',
    [`${CLIENT}#DynamoDB|instance`]: 'dynamodb.Client',
    [`${LIB}#DynamoDBDocumentClient|from()`]: 'dynamodb.Client',
    [`${LIB}#DynamoDBDocumentClient|instance`]: 'dynamodb.Client',
    [`${LIB}#DynamoDBDocument|from()`]: 'dynamodb.Client',
    [`${LIB}#DynamoDBDocument|instance`]: 'dynamodb.Client',
    '@aws/dynamodb-data-mapper#DataMapper|new': 'dynamodb.DataMapper',
    '@aws/dynamodb-data-mapper#DataMapper|instance': 'dynamodb.DataMapper',
    'aws-sdk#DynamoDB|new': 'dynamodb.Client',
    'aws-sdk#DynamoDB|instance': 'dynamodb.Client',
    'aws-sdk#DynamoDB|.DocumentClient': 'aws-sdk#DocumentClient',
    'aws-sdk#DocumentClient|new': 'dynamodb.Client',
    'aws-sdk#DocumentClient|instance': 'dynamodb.Client',
    'aws-sdk/clients/dynamodb#default|new': 'dynamodb.Client',
    'aws-sdk/clients/dynamodb#default|.DocumentClient': 'aws-sdk#DocumentClient',
    'aws-sdk/clients/dynamodb#DocumentClient|new': 'dynamodb.Client',
    'aws-sdk/clients/dynamodb#DocumentClient|instance': 'dynamodb.Client',
  },
  operations,
};
