// The one retry policy of the client. Pure, so that its table of cases is tested without a server.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

/** What one attempt came to: an HTTP status, or no answer at all. */
export type AttemptOutcome = { status: number; retryAfter?: string | null } | { networkError: true };

// A repeated GET, PATCH (same fields, same values) or DELETE leaves the same state as one.
const IDEMPOTENT = new Set(["GET", "PATCH", "DELETE"]);
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

/**
 * Milliseconds to wait before the next attempt, or undefined when the outcome is final.
 * A POST is retried only on 429, which says the request was not processed; after a timeout or a
 * 5xx a create may have happened, so the caller must reconcile instead.
 */
export function retryDelay(
  policy: RetryPolicy,
  method: string,
  outcome: AttemptOutcome,
  attempt: number,
  now: Date = new Date(),
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const status = "status" in outcome ? outcome.status : undefined;
  const retryable = IDEMPOTENT.has(method)
    ? status === undefined || TRANSIENT_STATUS.has(status)
    : status === 429;
  if (!retryable) return undefined;

  const retryAfter = "retryAfter" in outcome ? parseRetryAfter(outcome.retryAfter, now) : undefined;
  // The server's word wins; the transport's overall deadline still bounds the wait.
  if (retryAfter !== undefined) return retryAfter;
  // Full jitter: spreads out clients that failed together.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}
