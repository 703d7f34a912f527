// The one retry policy of the client. Pure, so that its table of cases is tested without a server.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

/** What one attempt came to: an HTTP status (a 429 is the rate limiter's), or no answer at all. */
export type AttemptOutcome =
  | { status: number }
  /**
   * `sent: false` when the failure proves the request never left (connection refused, no such host);
   * `lasting` when trying again cannot help (https to a plain-HTTP server).
   */
  | { networkError: true; sent?: boolean; lasting?: boolean };

// A repeated GET, PATCH (same fields, same values) or DELETE leaves the same state as one.
const IDEMPOTENT = new Set(["GET", "PATCH", "DELETE"]);
const TRANSIENT_STATUS = new Set([502, 503, 504]);

/**
 * Milliseconds to wait before the next attempt, or undefined when the outcome is final.
 * A POST is retried only when it never left; after a timeout, a reset or a 5xx a create may have
 * happened, so the caller must find out instead. (429s, which say the request was not processed, are
 * the rate limiter's: they are repeated for every method and use no attempt.)
 */
export function retryDelay(
  policy: RetryPolicy,
  method: string,
  outcome: AttemptOutcome,
  attempt: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if ("networkError" in outcome && outcome.lasting) return undefined;
  const status = "status" in outcome ? outcome.status : undefined;
  const notSent = "networkError" in outcome && outcome.sent === false;
  const retryable = IDEMPOTENT.has(method) ? status === undefined || TRANSIENT_STATUS.has(status) : notSent;
  if (!retryable) return undefined;
  // Full jitter: spreads out clients that failed together.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * Retry-After is delay-seconds or an HTTP date. Fractional seconds ("1.5") are taken as meant;
 * anything else that is not a date ("-1", "soon") is no advice at all (undefined), rather than a wait
 * of zero.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const ms = Math.round(Number(text) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  // An HTTP date names a weekday and a month; Date.parse alone would read "1.5" as a date.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}
