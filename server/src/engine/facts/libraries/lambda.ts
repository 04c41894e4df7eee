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

const SOURCES: [string[], string, TransportId][] = [
  [['SQSEvent', 'SQSHandler'], 'SQS', 'sqs'],
  [['SNSEvent', 'SNSHandler'], 'SNS', 'sns-lambda'],
  [['DynamoDBStreamEvent', 'DynamoDBStreamHandler'], 'DynamoDB stream', 'dynamodb-stream'],
  [['KinesisStreamEvent', 'KinesisStreamHandler'], 'Kinesis stream', 'dynamodb-stream'],
];

export const lambda: LibraryTable = {
  name: 'lambda',
  transitions: {},
  operations: {},
  handlers: Object.fromEntries(SOURCES.flatMap(([types, source, transport]) =>
    types.map((t) => [`${LAMBDA}#${t}`, handler(source, transport)]))),
};
