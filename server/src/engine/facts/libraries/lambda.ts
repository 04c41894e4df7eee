/**
 * AWS Lambda event handlers (`aws-lambda` types, from `@types/aws-lambda`): an exported function
 * whose event parameter is an SQS, SNS, DynamoDB-stream or Kinesis event, or a variable declared
 * with the matching handler type, is a consumer of that source. The event source mapping (SQS,
 * streams) and SNS's retries deliver a record again when the invocation fails or times out.
 * API Gateway, Cognito and other synchronous events are not messages.
 */
import type { HandlerAnalyzer, LibraryTable } from './table';
import type { TransportId } from './delivery';
import { consumerFact } from './build';

const LAMBDA = 'aws-lambda';

function handler(source: string, transport: TransportId): HandlerAnalyzer {
  return (fn, reportAt) => consumerFact(LAMBDA, fn, reportAt, fn, undefined, `Lambda handler for ${source} events`, transport);
}

/** Event types, the source they name, its transport, and the `aws-lambda/trigger/...` module that also exports them. */
const SOURCES: [string[], string, TransportId, string][] = [
  [['SQSEvent', 'SQSHandler'], 'SQS', 'sqs', 'sqs'],
  [['SNSEvent', 'SNSHandler'], 'SNS', 'sns-lambda', 'sns'],
  [['DynamoDBStreamEvent', 'DynamoDBStreamHandler'], 'DynamoDB stream', 'dynamodb-stream', 'dynamodb-stream'],
  [['KinesisStreamEvent', 'KinesisStreamHandler'], 'Kinesis stream', 'dynamodb-stream', 'kinesis-stream'],
];

export const lambda: LibraryTable = {
  name: 'lambda',
  transitions: {},
  operations: {},
  // `import { SQSEvent } from 'aws-lambda'`, or from the trigger's own module (`aws-lambda/trigger/sqs`).
  handlers: Object.fromEntries(SOURCES.flatMap(([types, source, transport, trigger]) =>
    types.flatMap((t) => [`${LAMBDA}#${t}`, `${LAMBDA}/trigger/${trigger}#${t}`].map((key) => [key, handler(source, transport)])))),
};
