/**
 * Rule docs carry runnable examples: under a `### ❌ Incorrect` or
 * `### ✅ Correct` heading, fenced blocks whose info string is
 * `<lang> <workspace-relative path>` form one small workspace.
 */
export interface DocExample {
  kind: 'incorrect' | 'correct';
  title: string;
  files: Record<string, string>;
}

export function parseDocExamples(markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  let current: DocExample | undefined;
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^###\s+(❌|✅)\s*(.*)$/.exec(line);
    if (heading) {
      current = { kind: heading[1] === '❌' ? 'incorrect' : 'correct', title: heading[2].trim(), files: {} };
      examples.push(current);
      continue;
    }
    if (/^#{1,2}\s/.test(line)) current = undefined;
    const fence = /^```(\w+)\s+(\S+)\s*$/.exec(line);
    if (fence && current) {
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
      current.files[fence[2]] = body.join('\n') + '\n';
    }
  }
  return examples;
}
