/** Rewrites the generated parts of README.md: the rule table (from rule metadata) and the report excerpt. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPORT_END, REPORT_START, TABLE_END, TABLE_START, reportExcerpt, ruleTable } from './ruleTable';

const repo = path.resolve(__dirname, '..');
const readmePath = path.join(repo, 'README.md');
let readme = fs.readFileSync(readmePath, 'utf8');

function replaceBetween(text: string, start: string, end: string, content: string): string {
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < 0) throw new Error(`README.md needs ${start} ... ${end} markers`);
  return text.slice(0, a) + content + text.slice(b + end.length);
}

readme = replaceBetween(readme, TABLE_START, TABLE_END, ruleTable());
readme = replaceBetween(readme, REPORT_START, REPORT_END, reportExcerpt(fs.readFileSync(path.join(repo, 'docs', 'report-excerpt.md'), 'utf8')));
fs.writeFileSync(readmePath, readme);
console.log('README.md rule table and report excerpt updated');
