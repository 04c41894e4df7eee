/**
 * Replies to a requester. A publish is a reply, not an event that other services subscribe to, when the
 * library call answers at the address the request carried (`fact.reply`, set by the library tables through
 * libraries/build.ts), or when the flow makes it through a send wrapper named as a reply: `sendResponse(message,
 * payload)`, `reply(...)`, `respondWith(...)`, `publishReply(...)`. A lost reply leaves the requester to time
 * out and ask again (an RPC client, a device re-sending its request); it does not announce what the handler
 * wrote, so dual-write does not pair it with a write and a handler's retried reply is not a repeated effect.
 *
 * Said from names, like realtime pushes (libraries/realtimePush.ts): only the name of a function the flow
 * passes through on its way to the library call counts, never the name of the message or of the handler
 * (`handleResponse`, `processReply` handle an answer; they do not send one).
 */
import { functionName } from './carriers';
import type { Reached } from './effects';

/**
 * `reply`, `replyTo`, `respond`, `respondWith`; `sendResponse`, `sendErrorResponse`, `publishReply`, `emitResponse`.
 * Only an outcome may stand between the verb and the noun: `sendCommandAwaitReply` sends a request and waits for its
 * reply, and `sendSurveyResponse` sends a business record named "response".
 */
const REPLY_FUNCTION = /^(reply|respond)([A-Z_]|$)|^(send|publish|emit|post|write)(Error|Success|Ok|Failure|Rpc|Call)?(Reply|Response)$/;

/** True when a function's name says that it sends a reply (see REPLY_FUNCTION). */
export function isReplyFunctionName(name: string | undefined): boolean {
  return !!name && REPLY_FUNCTION.test(name);
}

/** True when a reached publish is a reply to the requester: at its reply address, or through a reply wrapper. */
export function isReply(r: Reached): boolean {
  if (r.fact.kind !== 'publish') return false;
  return !!r.fact.reply || r.path.some((fn) => isReplyFunctionName(functionName(fn)));
}
