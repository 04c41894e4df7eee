import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress } from '../../server/src/cli/progress';
import { runCli } from '../../server/src/cli/runCli';
import type { AnalyzeOptions } from '../../server/src/engine/api';
import { RULES, capture, workspace } from './helpers';

const CLEAR = '\r\u001b[2K';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('progress line', () => {
  it('stays silent during the first second, then rewrites one line, then clears it', () => {
    const c = clock();
    let written = '';
    const progress = createProgress({ write: (s) => (written += s), enabled: true, now: c.now });
    progress.update(1, 10);
    c.advance(500);
    progress.update(2, 10);
    assert.equal(written, '', 'nothing before the delay');
    c.advance(600);
    progress.update(3, 10);
    assert.equal(written, `${CLEAR}Analyzing 3/10 files…`);
    c.advance(10);
    progress.update(4, 10); // throttled
    progress.update(10, 10); // the last update always draws
    progress.done();
    assert.equal(written, `${CLEAR}Analyzing 3/10 files…${CLEAR}Analyzing 10/10 files…${CLEAR}`);
  });

  it('writes nothing when disabled, and nothing to clear when it never drew', () => {
    const c = clock();
    let written = '';
    const off = createProgress({ write: (s) => (written += s), enabled: false, now: c.now });
    c.advance(5000);
    off.update(1, 2);
    off.done();
    const quick = createProgress({ write: (s) => (written += s), enabled: true, now: c.now });
    quick.update(1, 2);
    quick.done();
    assert.equal(written, '');
  });
});

describe('progress through runCli', () => {
  async function slowRun(stderrIsTTY: boolean) {
    const root = workspace();
    const c = clock();
    const out = capture(root, { isTTY: false, stderrIsTTY });
    const code = await runCli(['check'], out.io, {
      now: c.now,
      async analyze(options: AnalyzeOptions) {
        for (let done = 1; done <= 4; done++) {
          c.advance(400);
          options.onProgress?.(done, 4);
        }
        return { root: options.root, findings: [], rules: RULES, filesAnalyzed: 4, skipped: [] };
      },
    });
    return { code, stderr: out.stderr(), stdout: out.stdout() };
  }

  it('shows progress on an interactive stderr for a slow run and clears it before the report', async () => {
    const r = await slowRun(true);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, `${CLEAR}Analyzing 3/4 files…${CLEAR}Analyzing 4/4 files…${CLEAR}`);
  });

  it('writes nothing on stderr when it is not a TTY', async () => {
    const r = await slowRun(false);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /No problems found/);
  });
});
