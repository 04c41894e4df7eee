/** The status bar item: server state and the number of findings; clicking it opens the output. */
import * as vscode from 'vscode';
import { Commands, type StatusParams } from '../../server/src/lsp/protocol';

export type ClientState = 'starting' | 'stopped' | StatusParams['state'];

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private findings = 0;
  private files = 0;

  constructor() {
    this.item = vscode.window.createStatusBarItem('distributedPatterns.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Distributed Patterns';
    this.item.command = Commands.showOutput;
    this.set('starting');
    this.item.show();
  }

  /** A status notification from the server. */
  update(params: StatusParams): void {
    this.findings = params.findings;
    this.files = params.files;
    this.set(params.state, params.message);
  }

  set(state: ClientState, message?: string): void {
    const count = `${this.findings} finding${this.findings === 1 ? '' : 's'}`;
    this.item.backgroundColor = undefined;
    switch (state) {
      case 'starting':
        this.item.text = '$(loading~spin) Distributed Patterns';
        this.item.tooltip = 'Distributed Patterns: starting the language server';
        break;
      case 'analysing':
        this.item.text = `$(sync~spin) Distributed Patterns: ${this.findings}`;
        this.item.tooltip = `Distributed Patterns: ${message ?? 'analysing'} (${count} so far)`;
        break;
      case 'ready':
        this.item.text = `$(checklist) Distributed Patterns: ${this.findings}`;
        this.item.tooltip = `Distributed Patterns: ${count} in ${this.files} analysed file${this.files === 1 ? '' : 's'}. Click to show the output.`;
        break;
      case 'disabled':
        this.item.text = '$(circle-slash) Distributed Patterns';
        this.item.tooltip = 'Distributed Patterns is disabled (distributedPatterns.enable)';
        break;
      case 'error':
      case 'stopped':
        this.item.text = '$(error) Distributed Patterns';
        this.item.tooltip = `Distributed Patterns: ${message ?? (state === 'stopped' ? 'the language server is not running' : 'error')}. Click to show the output.`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
