/** `workspace/executeCommand` handlers of the server. */
import type { Connection, ExecuteCommandParams, Range } from 'vscode-languageserver/node';
import type { Logger } from './log';
import { Commands } from './protocol';

export const SERVER_COMMANDS = [Commands.openDocumentation, Commands.revealSelection];

export async function executeCommand(connection: Connection, params: ExecuteCommandParams, showDocumentSupported: boolean, log: Logger): Promise<void> {
  if (params.command === Commands.revealSelection) {
    await revealSelection(connection, params, showDocumentSupported, log);
    return;
  }
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

/** After a fix: open the file it edited with the range to type in selected (editors without showDocument keep the cursor where it is). */
async function revealSelection(connection: Connection, params: ExecuteCommandParams, showDocumentSupported: boolean, log: Logger): Promise<void> {
  const [uri, range] = (params.arguments ?? []) as [unknown, Range | undefined];
  if (typeof uri !== 'string' || !range || typeof range.start?.line !== 'number') {
    log.warn(`${params.command}: expected [uri, range], got ${JSON.stringify(params.arguments)}`);
    return;
  }
  if (!showDocumentSupported) return;
  await connection.window.showDocument({ uri, selection: range, takeFocus: true });
}
