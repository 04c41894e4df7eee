/** Classification of SQL text found in query calls. */

import { wordsOf } from './libraries/telemetry';

export interface SqlInfo {
  verb: 'insert' | 'update' | 'delete' | 'select' | 'begin' | 'commit' | 'rollback' | 'other';
  table?: string;
  /** INSERT ... ON CONFLICT DO NOTHING / DO UPDATE, INSERT IGNORE, ON DUPLICATE KEY UPDATE. */
  onConflict?: 'nothing' | 'update';
  conflictTarget?: string;
  /** UPDATE ... SET x = x + 1 (or - n); for an upsert, its DO UPDATE / ON DUPLICATE KEY UPDATE part does that. */
  increment: boolean;
  /**
   * UPDATE whose WHERE only matches rows that have not seen this message yet
   * (`WHERE last_event_id < $2`, `processed_event <> $1`): the column compared.
   */
  conditionalOn?: string;
  twoPhase?: string;
  advisoryLock?: string;
}

const GUARD_TABLE = /inbox|processed|dedup|idempot|handled_(?:messages|events)|consumed_(?:messages|events)|message_log/i;
const OUTBOX_TABLE = /outbox/i;
/** A WHERE term that excludes rows which already saw this message or a later one. */
const CONDITIONAL_ON_MESSAGE = /\b((?:\w+\.)?\w*(?:event|message|msg|version|seq|sequence|offset|processed)\w*)\s*(?:<>|!=|<=?|IS\s+DISTINCT\s+FROM|NOT\s+IN\b)/i;

export function isGuardTable(name: string | undefined): boolean {
  return !!name && GUARD_TABLE.test(name);
}

/**
 * A table or entity named as a cache (`cache_entries`, `CacheEntry`, `TypeORMCacheEntry`): rows that
 * stand in for a cache (a token kept for a while, a computed value) rather than business state.
 */
export function isCacheTable(name: string | undefined): boolean {
  return !!name && wordsOf(name).some((w) => w === 'cache' || w === 'caches' || w === 'cached');
}

export function isOutboxTable(name: string | undefined): boolean {
  return !!name && OUTBOX_TABLE.test(name);
}

export function classifySql(text: string): SqlInfo {
  const sql = text.replace(/--[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
  const upper = sql.toUpperCase();
  const info: SqlInfo = { verb: 'other', increment: false };
  const twoPhase = /\b(PREPARE TRANSACTION|COMMIT PREPARED|ROLLBACK PREPARED|XA (?:START|BEGIN|END|PREPARE|COMMIT|ROLLBACK|RECOVER))\b/.exec(upper);
  if (twoPhase) info.twoPhase = twoPhase[1];
  const lock = /\b(PG_(?:TRY_)?ADVISORY_(?:XACT_)?LOCK(?:_SHARED)?|GET_LOCK|SP_GETAPPLOCK)\s*\(/.exec(upper);
  if (lock) info.advisoryLock = lock[1].toLowerCase();
  const table = (re: RegExp) => re.exec(sql)?.[1]?.replace(/"/g, '');
  if (/^(WITH\b.*?\)\s*)?INSERT\b/i.test(sql) || /^INSERT\b/i.test(sql) || /^REPLACE\b/i.test(sql)) {
    info.verb = 'insert';
    info.table = table(/INSERT\s+(?:IGNORE\s+)?INTO\s+([\w."]+)/i) ?? table(/REPLACE\s+INTO\s+([\w."]+)/i);
    const conflict = /ON CONFLICT\s*(\([^)]*\)|ON CONSTRAINT\s+\w+)?\s*DO\s+(NOTHING|UPDATE)/i.exec(sql);
    if (conflict) {
      info.onConflict = conflict[2].toUpperCase() === 'NOTHING' ? 'nothing' : 'update';
      info.conflictTarget = conflict[1];
    } else if (/^INSERT\s+IGNORE\b/i.test(sql) || /^REPLACE\b/i.test(sql)) {
      info.onConflict = 'nothing';
    } else if (/ON DUPLICATE KEY UPDATE/i.test(sql)) {
      info.onConflict = 'update';
    }
    if (info.onConflict === 'update') {
      // `DO UPDATE SET views = page_views.views + 1`, `ON DUPLICATE KEY UPDATE views = views + 1`
      const updatePart = /(?:DO\s+UPDATE|ON DUPLICATE KEY UPDATE)\b(.*)$/i.exec(sql)?.[1] ?? '';
      info.increment = /(?:SET\b|,)\s*"?(\w+)"?\s*=\s*(?:[\w"]+\.)?"?\1"?\s*[+-]/i.test(updatePart) || /^\s*"?(\w+)"?\s*=\s*(?:[\w"]+\.)?"?\1"?\s*[+-]/i.test(updatePart);
    }
  } else if (/^UPDATE\b/i.test(sql)) {
    info.verb = 'update';
    info.table = table(/^UPDATE\s+([\w."]+)/i);
    info.increment = /\bSET\b.*?\b(\w+)\s*=\s*\1\s*[+-]/i.test(sql) || /[,\s](\w+)\s*=\s*\1\s*[+-]/i.test(sql.split(/\bWHERE\b/i)[0] ?? '');
    const where = /\bWHERE\b(.*)$/i.exec(sql)?.[1] ?? '';
    info.conditionalOn = CONDITIONAL_ON_MESSAGE.exec(where)?.[1];
  } else if (/^DELETE\b/i.test(sql)) {
    info.verb = 'delete';
    info.table = table(/^DELETE\s+FROM\s+([\w."]+)/i);
  } else if (/^(SELECT|WITH)\b/i.test(sql)) {
    info.verb = 'select';
    info.table = table(/\bFROM\s+([\w."]+)/i);
  } else if (/^(BEGIN|START TRANSACTION)\b/i.test(sql)) {
    info.verb = 'begin';
  } else if (/^COMMIT\b/i.test(sql) && !info.twoPhase) {
    info.verb = 'commit';
  } else if (/^ROLLBACK\b/i.test(sql) && !info.twoPhase) {
    info.verb = 'rollback';
  }
  return info;
}
