/**
 * Mitigations that live in configuration rather than in calls the engine
 * models: retry/backoff settings, requeue on failure, dead-letter queues,
 * timeouts, idempotency keys on outgoing calls, circuit breakers. Found by
 * reading the lines of the files involved; each hit keeps its line so the
 * report links to it. A miss is reported as "none found", never as proof.
 */

/** Same names the non-idempotent-consumer rule treats as a guard helper it cannot see into. */
export const GUARD_CALL = /processed|dedupe?|duplicate|idempoten|inbox|alreadyHandled|isHandled|markHandled/i;

export const RETRY = /\b(?:attempts|backoff|retries|maxRetries|retryDelay|retry)\s*:\s*[^,}\n]+|\b(?:axios-retry|p-retry|async-retry)\b/;
export const REQUEUE = /\.nack\([^)]*,\s*true\s*\)|requeue\s*:\s*true/;
export const DEAD_LETTER = /\bdeadLetter\w*\s*:\s*[^,}\n]+|\bdead[-_]letter[\w-]*|\b(?:dlq|dlx)\b|\.dlq\b|\.dlx\b|RedrivePolicy|deadLetterQueue/i;
export const TIMEOUT = /\btimeout\s*:\s*[^,}\n]+|AbortSignal\.timeout\([^)]*\)|\.timeout\(\s*[\w_]+\s*\)/;
export const IDEMPOTENCY_KEY = /['"]?idempotency[-_ ]?key['"]?/i;
export const CIRCUIT_BREAKER = /\b(?:opossum|cockatiel|circuitBreaker|CircuitBreaker|circuit-breaker)\b/;
export const MESSAGE_KEY = /\bkey\s*:\s*[^,}\n]+|\bpartitionKey\s*:\s*[^,}\n]+|MessageGroupId\s*:\s*[^,}\n]+|\borderingKey\s*:\s*[^,}\n]+/;
