import { createRule } from './createRule';
import { DIRECTIVE } from '../suppressions';

const RULE_ID_LIKE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;

export const unexplainedSuppression = createRule({
  id: 'unexplained-suppression',
  description: 'A disable comment must name the rule it silences and say why after `--`.',
  defaultSeverity: 'warning',
  fixes: [],
  messages: {
    noReason: {
      message: 'This `{{directive}}` comment gives no reason. A silenced distributed-systems finding without a written reason cannot be reviewed later.',
      hint: 'Write the reason after the rule id: `// {{directive}} <rule-id> -- <why this is safe here>`.',
    },
    noRule: {
      message: 'This `{{directive}}` comment names no rule, so it would silence every rule on the next line.',
      hint: 'Name the rule it silences: `// {{directive}} <rule-id> -- <reason>`.',
    },
    unknownRule: {
      message: 'Unknown rule "{{rule}}" in a `{{directive}}` comment; it silences nothing.',
      hint: 'Use one of: {{known}}.',
    },
  },
  check({ model, report }) {
    const known = model.ruleIds;
    for (const d of model.directives) {
      const location = { file: d.file, range: d.range };
      // Without "--", words after the rule id are usually a reason missing its separator
      // ("...-line unjustified-distributed-lock runs once per deploy"): report the missing
      // reason once instead of each word as an unknown rule. Rule ids are kebab-case.
      const named = d.reason ? d.ruleIds : d.ruleIds.filter((r) => known.includes(r) || RULE_ID_LIKE.test(r));
      const unknown = (named.length ? named : d.ruleIds.slice(0, 1)).filter((r) => !known.includes(r));
      for (const rule of unknown) report({ messageId: 'unknownRule', data: { rule, directive: DIRECTIVE, known: known.join(', ') }, location, snippet: rule });
      if (!d.ruleIds.length) report({ messageId: 'noRule', data: { directive: DIRECTIVE }, location, snippet: 'norule' });
      else if (!d.reason) report({ messageId: 'noReason', data: { directive: DIRECTIVE }, location, snippet: d.ruleIds.join(',') });
    }
  },
});
