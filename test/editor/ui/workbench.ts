/**
 * Drives the VS Code workbench (code-server) in a Playwright page the way a
 * person does: keyboard shortcuts, the command palette, the Problems panel.
 * Every wait has a timeout and says what it was waiting for.
 */
import type { Locator, Page } from 'playwright-core';

/** Default time for one UI wait. */
export const UI_WAIT_MS = 45_000;

/** Monaco renders spaces as U+00A0. */
export function normalise(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

export class Workbench {
  constructor(readonly page: Page) {}

  /** The active editor's Monaco instance. */
  get editor(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url, { timeout: 60_000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    // Give the keyboard to the workbench.
    await this.page.locator('.part.editor').click({ position: { x: 300, y: 200 } }).catch(() => {});
  }

  /** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    const parts = relativePath.split('/');
    const name = parts[parts.length - 1];
    const dir = parts.slice(0, -1).join('/');
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: UI_WAIT_MS });
    await input.fill(relativePath);
    // Wait for the file search to list the file itself as the first match.
    await this.page.waitForFunction(
      ([file, folder]) => {
        const row = document.querySelector('.quick-input-list .monaco-list-row');
        const text = (row?.textContent ?? '').replace(/\u00a0/g, ' ');
        return text.includes(file) && text.includes(folder);
      },
      [name, dir],
      { timeout: UI_WAIT_MS },
    );
    await this.page.keyboard.press('Enter');
    // The breadcrumbs of the active editor name every folder of the path.
    await this.page.waitForFunction(
      (segments) => {
        const crumbs = [...document.querySelectorAll('.part.editor .editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item')]
          .map((c) => (c.textContent ?? '').trim());
        return segments.every((s) => crumbs.includes(s));
      },
      parts,
      { timeout: UI_WAIT_MS },
    );
    await this.editor.locator('.view-lines .view-line').first().waitFor({ timeout: UI_WAIT_MS });
  }

  /** Moves the cursor with Go to Line (Ctrl+G), 1-based line and column. */
  async goTo(line: number, column: number): Promise<void> {
    await this.editor.locator('.view-lines').click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: UI_WAIT_MS });
    // Ctrl+G opens Quick Open in its ':' (go to line) mode; keep the prefix.
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: UI_WAIT_MS });
  }

  /** Text of the rendered editor lines, by 1-based line number. */
  async lines(): Promise<Map<number, string>> {
    const rows = await this.editor.evaluate((editor) => {
      const numbers = [...editor.querySelectorAll<HTMLElement>('.margin-view-overlays .line-numbers')]
        .map((n) => ({ top: n.parentElement!.style.top, line: Number(n.textContent) }));
      const texts = [...editor.querySelectorAll<HTMLElement>('.view-lines .view-line')].map((l) => ({ top: l.style.top, text: l.textContent ?? '' }));
      return texts.map((t) => ({ line: numbers.find((n) => n.top === t.top)?.line ?? -1, text: t.text }));
    });
    return new Map(rows.map((r) => [r.line, normalise(r.text)]));
  }

  /**
   * The squiggles in the active editor: their severity class and the text of
   * the line they are drawn on (matched through the overlay's top offset).
   */
  async squiggles(): Promise<{ severity: string; line: string }[]> {
    return this.editor.evaluate((editor) => {
      const lineAt = new Map<string, string>();
      for (const l of editor.querySelectorAll<HTMLElement>('.view-lines .view-line')) lineAt.set(l.style.top, (l.textContent ?? '').replace(/\u00a0/g, ' '));
      return [...editor.querySelectorAll<HTMLElement>('.view-overlays [class*="squiggly-"]')].map((s) => ({
        severity: /squiggly-(error|warning|info|hint)/.exec(s.className)?.[1] ?? s.className,
        line: lineAt.get(s.parentElement?.style.top ?? '') ?? '?',
      }));
    });
  }

  /** Waits until a squiggle of `severity` is drawn on a line containing `lineText`. */
  async waitForSquiggle(lineText: string, severity = 'error'): Promise<void> {
    await this.page.waitForFunction(
      ([text, sev]) => {
        const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
        if (!editor) return false;
        const tops = new Set([...editor.querySelectorAll<HTMLElement>(`.view-overlays .squiggly-${sev}`)].map((s) => s.parentElement?.style.top));
        return [...editor.querySelectorAll<HTMLElement>('.view-lines .view-line')]
          .some((l) => tops.has(l.style.top) && (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(text));
      },
      [lineText, severity],
      { timeout: UI_WAIT_MS },
    );
  }

  /** Waits until the active editor shows no squiggle at all. */
  async waitForNoSquiggles(): Promise<void> {
    await this.page.waitForFunction(
      () => !document.querySelector('.part.editor .editor-group-container.active .monaco-editor .view-overlays [class*="squiggly-"]'),
      null,
      { timeout: UI_WAIT_MS },
    );
  }

  /** Runs a command by its palette label with F1, and waits for the palette to close. */
  async runCommand(label: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: UI_WAIT_MS });
    await input.fill(`>${label}`);
    await this.page.waitForFunction(
      ([wanted]) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')]
        .some((row) => (row.querySelector('.label-name')?.textContent ?? row.textContent ?? '').replace(/\u00a0/g, ' ').includes(wanted)),
      [label],
      { timeout: UI_WAIT_MS },
    );
    // The first row is the best match; check it is the wanted one before running it.
    const first = normalise(await this.page.locator('.quick-input-list .monaco-list-row').first().innerText());
    if (!first.includes(label)) throw new Error(`the palette's first match for "${label}" is "${first.split('\n')[0]}"`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: UI_WAIT_MS });
  }

  // Opens the Problems panel (Ctrl+Shift+M), filters it to one file with a glob
  // like **/payments/src/main.ts, waits until only that file is listed and
  // `expect` appears, and returns the panel's text. The workbench may lay the
  // filter box out anew while the panel opens (losing what was typed), so the
  // filter is typed again whenever the box no longer holds it.
  async problems(expect: string, fileGlob: string): Promise<string> {
    await this.page.keyboard.press('Control+Shift+M');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: UI_WAIT_MS });
    const filter = this.page.locator('input[aria-label="Filter Problems"]').first();
    const fileName = fileGlob.split('/').pop()!;
    const deadline = Date.now() + UI_WAIT_MS;
    let seen = '';
    while (Date.now() < deadline) {
      if ((await filter.inputValue({ timeout: UI_WAIT_MS }).catch(() => '')) !== fileGlob) await filter.fill(fileGlob, { timeout: UI_WAIT_MS });
      const state = await this.page.evaluate(([text, file]) => {
        const root = document.querySelector('.markers-panel');
        // In the tree, files are the rows of level 1 and their problems are below them.
        const files = [...(root?.querySelectorAll('.monaco-list-row[aria-level="1"]') ?? [])].map((r) => r.textContent ?? '');
        const all = (root?.textContent ?? '').replace(/\u00a0/g, ' ');
        return { ok: files.length > 0 && files.every((f) => f.includes(file)) && all.includes(text), files };
      }, [expect, fileName] as const);
      if (state.ok) return normalise(await panel.innerText());
      seen = state.files.join(' | ');
      await this.page.waitForTimeout(250);
    }
    throw new Error(`the Problems panel filtered to ${fileGlob} did not show only that file with ${expect} within ${UI_WAIT_MS / 1000} s; files listed: ${seen || 'none'}`);
  }

  /**
   * Opens the quick-fix menu at the cursor (Ctrl+.) and returns the titles it
   * offers. VS Code cancels a code action request when diagnostics or the
   * document change meanwhile and then shows a menu without the server's
   * actions (or none), so the menu is closed and asked for again until the
   * wanted title appears; the failure names what the last menu offered.
   */
  async openQuickFixMenu(expectTitle: string): Promise<string[]> {
    const rows = this.page.locator('.action-widget .monaco-list-row');
    const deadline = Date.now() + UI_WAIT_MS;
    let offered: string[] = [];
    while (Date.now() < deadline) {
      await this.page.keyboard.press('Control+.');
      const shown = await this.page.waitForFunction(
        ([title]) => [...document.querySelectorAll('.action-widget .monaco-list-row')].some((r) => (r.textContent ?? '').includes(title)),
        [expectTitle],
        { timeout: Math.min(10_000, Math.max(1, deadline - Date.now())) },
      ).then(() => true, () => false);
      offered = (await rows.allInnerTexts()).map((t) => normalise(t).trim());
      if (shown) return offered;
      await this.page.keyboard.press('Escape');
      await this.page.waitForTimeout(500);
    }
    throw new Error(`Ctrl+. did not offer "${expectTitle}" within ${UI_WAIT_MS / 1000} s; the last menu offered: ${offered.join(' | ') || 'nothing'}`);
  }

  /** Picks an entry of the open quick-fix menu by its title. */
  async chooseQuickFix(title: string): Promise<void> {
    await this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first().click({ timeout: UI_WAIT_MS });
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: UI_WAIT_MS }).catch(() => {});
  }

  /**
   * Text of the Output panel once it matches `expect`, with runs of white space
   * (the view wraps long lines) collapsed to one space.
   */
  async outputText(expect: string | RegExp, timeoutMs = UI_WAIT_MS): Promise<string> {
    const selector = '.panel .output-view, .panel [id="workbench.panel.output"]';
    await this.page.waitForFunction(
      ([sel, source, isRegExp, reFlags]) => {
        const text = (document.querySelector(sel)?.textContent ?? '').replace(/[\s\u00a0]+/g, ' ');
        return isRegExp ? new RegExp(source, reFlags).test(text) : text.includes(source);
      },
      [selector, typeof expect === 'string' ? expect : expect.source, typeof expect !== 'string', typeof expect === 'string' ? '' : expect.flags] as const,
      { timeout: timeoutMs },
    );
    return (await this.page.locator(selector).first().innerText()).replace(/[\s\u00a0]+/g, ' ');
  }

  /** The text of our status bar item. */
  async statusBarItem(): Promise<string> {
    const item = this.page.locator('.statusbar-item', { hasText: 'Distributed Patterns' }).first();
    return normalise(await item.innerText({ timeout: UI_WAIT_MS }));
  }
}
