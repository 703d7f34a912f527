// One pace for every request a process sends to one API, adapted to what the API allows, in the
// spirit of the AWS SDKs' "adaptive" retry mode: on a 429, everyone waits what Retry-After asks and
// then paces just under the rate the API has been letting through; without 429s the pace creeps up to
// probe for more. Pure arithmetic over the caller's clock; the transport does the waiting.

export interface RateLimiterOptions {
  /** Requests per second never to exceed (a limit the API publishes). Unset: found out from 429s. */
  ceiling?: number | undefined;
}

// Once per interval: the requests already in flight when the first 429 came back say nothing new.
const DECREASE_INTERVAL_MS = 1_000;
// The pace after a 429, as a share of what the API let through lately.
const BELOW_ACCEPTED = 0.7;
// The pace creeps up by this share per second without a 429: slowly, so that 429s stay rare. After the
// first 429 only, whose estimate may be far too low, it doubles each second until the next one.
const INCREASE_PER_SECOND = 0.02;
const MIN_RATE = 0.2;
const WINDOW_MS = 1_000;

export class RateLimiter {
  /** Requests per second; undefined while no limit is known (no pacing at all). */
  rate: number | undefined;
  #ceiling: number | undefined;
  #nextStart = 0;
  #pausedUntil = 0;
  #lastDecrease = -Infinity;
  #lastIncrease = 0;
  #firstStart: number | undefined;
  #decreases = 0;
  /** Times of the answers the API let through in the last window. */
  readonly #accepted: number[] = [];

  constructor(options: RateLimiterOptions = {}) {
    this.cap(options.ceiling);
  }

  /** Lowers the ceiling (the lowest one asked for wins); a missing or non-positive one changes nothing. */
  cap(ceiling: number | undefined): void {
    if (!ceiling || ceiling <= 0) return;
    this.#ceiling = Math.min(this.#ceiling ?? Infinity, ceiling);
    this.rate = Math.min(this.rate ?? Infinity, this.#ceiling);
  }

  /** Reserves the next slot: milliseconds to wait from `now` before the request may start. */
  reserve(now: number): number {
    this.#firstStart ??= now;
    this.#grow(now);
    let start = Math.max(now, this.#pausedUntil);
    if (this.rate !== undefined) {
      start = Math.max(start, this.#nextStart);
      this.#nextStart = start + 1000 / this.rate;
    }
    return start - now;
  }

  /** An answer that was not a 429: the API let the request through. */
  accepted(now: number): void {
    this.#accepted.push(now);
    while (this.#accepted.length && this.#accepted[0]! <= now - WINDOW_MS) this.#accepted.shift();
  }

  /** A 429: everyone waits `retryAfterMs` (when given), and the pace drops under what got through. */
  throttled(now: number, retryAfterMs: number | undefined): void {
    if (now - this.#lastDecrease >= DECREASE_INTERVAL_MS) {
      // Per second over the last window, or over less where it began with a burst or a pause.
      const since = Math.max(now - WINDOW_MS, this.#firstStart ?? now, this.#pausedUntil < now ? this.#pausedUntil : -Infinity);
      const through = this.#accepted.filter((t) => t > since).length;
      // The first time, what got through may be a burst the API had saved up: count it over a whole window.
      const span = Math.max(this.rate === undefined ? WINDOW_MS : 100, now - since) / 1000;
      const target = through > 0 ? (through / span) * BELOW_ACCEPTED : (this.rate ?? 1) / 2;
      this.rate = Math.max(MIN_RATE, Math.min(this.rate ?? target, target));
      this.#lastDecrease = now;
      this.#decreases++;
    }
    if (retryAfterMs !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfterMs);
    this.#lastIncrease = Math.max(now, this.#pausedUntil);
    this.#nextStart = Math.max(this.#nextStart, this.#pausedUntil);
  }

  #grow(now: number): void {
    if (this.rate === undefined || now <= this.#lastIncrease) return;
    const seconds = (now - this.#lastIncrease) / 1000;
    const grown = this.#decreases === 1 ? this.rate * 2 ** seconds : this.rate * (1 + INCREASE_PER_SECOND * seconds);
    this.#lastIncrease = now;
    this.rate = Math.min(this.#ceiling ?? Infinity, grown);
  }
}
