/** `workspace/executeCommand` handlers of the server. */
import type { Connection, ExecuteCommandParams } from 'vscode-languageserver/node';
import type { Logger } from './log';
import { Commands } from './protocol';

export const SERVER_COMMANDS = [Commands.openDocumentation];

export async function executeCommand(connection: Connection, params: ExecuteCommandParams, showDocumentSupported: boolean, log: Logger): Promise<void> {
  if (params.command !== Commands.openDocumentation) {
    log.warn(`unknown command ${params.command}`);
    return;
  }
  const [url, ruleId] = (params.arguments ?? []) as [unknown, unknown];
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    log.warn(`${params.command}: expected a documentation URL, got ${JSON.stringify(url)}`);
    return;
  }
  if (showDocumentSupported) {
    const result = await connection.window.showDocument({ uri: url, external: true });
    if (result.success) return;
  }
  // Editors without window/showDocument: show the link so the user can open it.
  void connection.window.showInformationMessage(`Documentation for ${typeof ruleId === 'string' ? ruleId : 'the rule'}: ${url}`);
}
