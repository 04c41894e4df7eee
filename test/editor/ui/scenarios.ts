/**
 * The UI scenarios: each opens its own fixture workspace
 * (test/editor/workspaces/<workspace>/) in a fresh browser page and runs its
 * steps in order; main.ts takes a screenshot after every step.
 *
 * To add the inbox quick fix: a fixture folder `ui-inbox-fix` (fixture.json
 * with "copyOf": "examples/checkout") and a scenario like disableComment with
 * the title "Guard with an inbox ..." and the text it should leave.
 */
import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

export interface UiStep {
  name: string;
  run(workbench: Workbench): Promise<void>;
}

export interface UiScenario {
  name: string;
  /** Fixture workspace folder under test/editor/workspaces/. */
  workspace: string;
  steps: UiStep[];
}

const PAYMENTS_MAIN = 'services/payments/src/main.ts';
const CONSUMER_LINE = 'eachMessage: async ({ topic, partition, message }) => {';
const RULE = 'non-idempotent-consumer';
const DISABLE_TITLE = `Disable distributed-patterns/${RULE} for this line`;
const DISABLE_COMMENT = `    // distributed-patterns-disable-next-line ${RULE} -- explain why this is safe`;

const openConsumer: UiStep = {
  name: 'squiggle on the non-idempotent consumer',
  async run(workbench) {
    await workbench.openFile(PAYMENTS_MAIN);
    await workbench.waitForSquiggle(CONSUMER_LINE, 'error');
    const squiggles = await workbench.squiggles();
    assert.ok(squiggles.length > 0);
    for (const squiggle of squiggles) assert.ok(squiggle.line.includes(CONSUMER_LINE), `a squiggle on another line: ${JSON.stringify(squiggle)}`);
  },
};

export const disableComment: UiScenario = {
  name: 'disable-comment',
  workspace: 'ui-disable-comment',
  steps: [
    openConsumer,
    {
      name: 'Problems panel shows the rule id',
      async run(workbench) {
        const text = await workbench.problems(RULE, `**/payments/src/main.ts`);
        assert.match(text, /distributed-patterns\(non-idempotent-consumer\)|distributed-patterns[\s\S]{0,3}non-idempotent-consumer/);
        assert.match(text, /order\.created/);
        assert.match(text, /\[Ln 18, Col 5\]/);
      },
    },
    {
      name: 'Ctrl+. offers the disable quick fix',
      async run(workbench) {
        await workbench.goTo(18, 6);
        const titles = await workbench.openQuickFixMenu(DISABLE_TITLE);
        assert.ok(titles.some((t) => t.includes(DISABLE_TITLE)), `offered: ${titles.join(' | ')}`);
        assert.ok(titles.some((t) => t.includes(`Show documentation for distributed-patterns/${RULE}`)), `offered: ${titles.join(' | ')}`);
      },
    },
    {
      name: 'the quick fix applies and the squiggle is gone',
      async run(workbench) {
        await workbench.chooseQuickFix(DISABLE_TITLE);
        await workbench.waitForNoSquiggles();
        const lines = await workbench.lines();
        assert.equal(lines.get(18), DISABLE_COMMENT);
        assert.ok(lines.get(19)?.includes(CONSUMER_LINE), `line 19: ${lines.get(19)}`);
        // The filtered Problems panel no longer lists the finding.
        await workbench.page.waitForFunction(
          (rule) => !(document.querySelector('.markers-panel')?.textContent ?? '').includes(rule),
          RULE,
          { timeout: 30_000 },
        );
      },
    },
  ],
};

export const paletteCommands: UiScenario = {
  name: 'palette-commands',
  workspace: 'ui-palette-commands',
  steps: [
    openConsumer,
    {
      name: 'Show Output from the palette shows the server log',
      async run(workbench) {
        // The view renders only the lines in sight and follows the end of the log, so wait for the latest run's line.
        // The workbench sometimes lays its panels out anew just after a command and the Output view does not
        // appear; the command is then run again (three tries), and the last failure is reported.
        let text = '';
        for (let attempt = 1; !text; attempt++) {
          await workbench.runCommand('Distributed Patterns: Show Output');
          text = await workbench.outputText(/files analysed, \d+ finding/, 20_000).catch((error: unknown) => {
            if (attempt >= 3) throw error;
            return '';
          });
        }
        assert.match(text, /\[info\]/);
        const channel = await workbench.page.locator('.panel select.monaco-select-box, .panel .monaco-select-box').first().innerText().catch(() => '');
        assert.ok(channel === '' || channel.includes('Distributed Patterns'), `output channel shown: ${channel}`);
      },
    },
    {
      name: 'Restart Server from the palette restarts it and the findings come back',
      async run(workbench) {
        await workbench.runCommand('Distributed Patterns: Restart Server');
        // The output view renders only the lines in sight: first the old server's exit, then a run of the new one.
        await workbench.outputText(/exited/, 60_000);
        await workbench.outputText(/exited[\s\S]*files analysed, \d+ finding|diagnostics: pushed[\s\S]*files analysed, \d+ finding/, 60_000);
        await workbench.waitForSquiggle(CONSUMER_LINE, 'error');
        assert.match(await workbench.statusBarItem(), /Distributed Patterns: \d+/);
      },
    },
  ],
};

export const SCENARIOS: UiScenario[] = [disableComment, paletteCommands];
