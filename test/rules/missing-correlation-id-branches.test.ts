/**
 * missing-correlation-id: one send written twice on exclusive branches of one function (two
 * `switch` cases, `if`/`else`) is one root cause: one finding at the first, the other a related
 * location. Two sends that can both run, or that send different messages, stay two findings.
 */
import { runRuleTests } from '../support/ruleTester';

/** A scheduler that emits the same load event from an interval or a timeout (lines 14 and 21). */
const scheduler = (secondCase: string) => `import { Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';

@Injectable()
export class LoadScheduleService {
  constructor(private readonly processor: ClientProxy) {}

  schedule(event: { type: string; operationId: string; interval: number }) {
    switch (event.type) {
      case 'cron':
        return;
      case 'interval':
        setInterval(() => {
          this.processor.emit('schedule.load', { operationId: event.operationId });
        }, event.interval);
        return;
${secondCase}
    }
  }
}
`;

const TIMEOUT_CASE = `      case 'timeout':
        setTimeout(() => {
          this.processor.emit('schedule.load', { operationId: event.operationId });
        }, event.interval);
        return;`;

runRuleTests('missing-correlation-id', {
  valid: [],
  invalid: [
    {
      name: 'the same emit in two switch cases that end in return: one finding, the other related',
      files: { 'services/scheduler/src/load-schedule.service.ts': scheduler(TIMEOUT_CASE) },
      errors: [{
        messageId: 'missing', line: 14, column: 26,
        related: ['services/scheduler/src/load-schedule.service.ts:19:26 the same message, sent on another branch'],
      }],
    },
    {
      name: 'a case that falls through runs both sends: two findings',
      files: { 'services/scheduler/src/load-schedule.service.ts': scheduler(TIMEOUT_CASE).replace("        }, event.interval);\n        return;\n      case 'timeout':", "        }, event.interval);\n      case 'timeout':") },
      errors: [{ messageId: 'missing', line: 14, column: 26 }, { messageId: 'missing', line: 18, column: 26 }],
    },
    {
      name: 'different messages on the two branches: two findings',
      files: { 'services/scheduler/src/load-schedule.service.ts': scheduler(TIMEOUT_CASE.replace("'schedule.load'", "'schedule.timeout'")) },
      errors: [{ messageId: 'missing', line: 14, column: 26 }, { messageId: 'missing', line: 19, column: 26 }],
    },
  ],
});
