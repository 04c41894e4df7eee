import { createRule } from './createRule';

export const invalidArchitecture = createRule({
  id: 'invalid-architecture',
  description: 'The architecture file must be valid YAML, match its schema and reference only declared services and datastores.',
  defaultSeverity: 'error',
  fixes: [],
  messages: {
    yamlSyntax: { message: '{{message}}', hint: '{{hint}}' },
    duplicateKey: { message: '{{message}}', hint: '{{hint}}' },
    schema: { message: '{{message}}', hint: '{{hint}}' },
    unknownReference: { message: '{{message}}', hint: '{{hint}}' },
    overlappingPaths: { message: '{{message}}', hint: '{{hint}}' },
    unreadable: { message: '{{message}}', hint: '{{hint}}' },
    tooLarge: { message: '{{message}}', hint: '{{hint}}' },
  },
  check({ model, report }) {
    if (!model.architectureFile) return;
    for (const problem of model.architectureProblems) {
      report({
        messageId: problem.messageId,
        data: { message: problem.message, hint: problem.hint },
        location: { file: model.architectureFile, range: problem.range },
        snippet: problem.message,
      });
    }
  },
});
