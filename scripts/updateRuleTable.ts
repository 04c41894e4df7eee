/** Rewrites the rule table in README.md from rule metadata. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TABLE_END, TABLE_START, ruleTable } from './ruleTable';

const readmePath = path.resolve(__dirname, '..', 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const start = readme.indexOf(TABLE_START);
const end = readme.indexOf(TABLE_END);
if (start < 0 || end < 0) throw new Error(`README.md needs ${TABLE_START} ... ${TABLE_END} markers`);
fs.writeFileSync(readmePath, readme.slice(0, start) + ruleTable() + readme.slice(end + TABLE_END.length));
console.log('README.md rule table updated');
