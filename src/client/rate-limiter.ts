// One pace for every request a process sends to one API, adapted to what the API allows, in the
// spirit of the AWS SDKs' "adaptive" retry mode. Pure arithmetic over the caller's clock; the
// transport does the waiting.
//
// - Until the first 429 there is no pacing. At a 429 everyone waits what Retry-After asks.
// - The first 429 gives a guess (what got through in the last second), from which the pace doubles
//   each second, as TCP's slow start does, until the next 429.
// - From then on the rate is measured between two 429s: at each one the API had nothing left to give,
//   so what it let through in between is what it allows in that time (a token bucket's conservation,
//   a window counter's roughly).
// - Pacing under the limit for long would let the API save up and lose the rest, so the pace starts
//   just under the measure and grows as TCP's CUBIC does: slowly past the measure, then faster, so
//   that 429s stay rare near it and a measure that came out low is soon left behind.
// - A slot reserved at an older pace is void (`epoch`): after a 429, and once the pace has grown well
//   past it, everyone waiting reserves again.

export interface RateLimiterOptions {
  /** Requests per second never to exceed (a limit the API publishes). Unset: found out from 429s. */
  ceiling?: number | undefined;
}

// The 429s of requests already in flight when one came back say nothing new: one counts per interval.
const COUNTED_INTERVAL_MS = 1_000;
// The pace after a measuring 429, as a share of the measure. It grows back to the measure (and as far
// past it again) in 2 seconds, 10 requests or 4 Retry-Afters, whichever is longest: at a slow pace or
// behind long pauses, probing too often would make 429s common.
const BELOW_MEASURED = 0.95;
const BACK_TO_MEASURE_S = 2;
const BACK_TO_MEASURE_REQUESTS = 10;
const BACK_TO_MEASURE_PAUSES = 4;
// A measure never falls under this share of the pace that met the 429, as TCP's CUBIC falls back to a
// share of the window it lost at: a span spent under the limit measures the pace, not the limit.
const UNDER_THE_PACE_THAT_MET_IT = 0.7;
const WINDOW_MS = 1_000;
// Pace left unused this long lets the API save up again, so the next 429 measures nothing.
const IDLE_MS = 1_000;
const MIN_RATE = 0.2;
// Slots reserved at a pace this many times slower than the current one are reserved again.
const REGROWN = 1.25;

export class RateLimiter {
  /** Requests per second; undefined while no limit is known (no pacing at all). */
  rate: number | undefined;
  /** Whether the rate comes from a measure (two 429s), rather than from a guess or a ceiling alone. */
  measured = false;
  /**
   * Changes when the slots reserved before are void: at a 429, for everyone has to wait and slow
   * down, and when the pace has grown well past the one they were reserved at.
   */
  epoch = 0;
  #epochRate: number | undefined;
  #ceiling: number | undefined;
  #nextStart = 0;
  #pausedUntil = 0;
  /** The rate the pace grows around, and since when. */
  #base: number | undefined;
  #growingSince = 0;
  #lastPauseMs = 0;
  /** While the base is a guess, the pace doubles each second, as TCP's slow start does. */
  #guessing = false;
  /** When the last counted 429 came back, while the measure holds. */
  #emptyAt: number | undefined;
  #acceptedSinceEmpty = 0;
  /** Times of the answers the API let through in the last window. */
  readonly #recent: number[] = [];

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
    let start = Math.max(now, this.#pausedUntil);
    if (this.rate !== undefined && start - this.#nextStart > IDLE_MS) this.#emptyAt = undefined;
    this.#grow(now);
    if (this.rate !== undefined) {
      start = Math.max(start, this.#nextStart);
      this.#nextStart = start + 1000 / this.rate;
    }
    return start - now;
  }

  /** An answer that was not a 429: the API let the request through. */
  accepted(now: number): void {
    this.#acceptedSinceEmpty++;
    this.#recent.push(now);
    while (this.#recent.length && this.#recent[0]! <= now - WINDOW_MS) this.#recent.shift();
  }

  /** A 429: everyone waits `retryAfterMs` (when given), and the pace goes just under what the API allows. */
  throttled(now: number, retryAfterMs: number | undefined): void {
    if (retryAfterMs !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfterMs);
    this.#lastPauseMs = retryAfterMs ?? 0;
    if (this.#emptyAt === undefined || now - this.#emptyAt >= COUNTED_INTERVAL_MS) {
      this.#base = this.#nextBase(now);
      this.#growingSince = Math.max(now, this.#pausedUntil);
      this.#emptyAt = now;
      this.#acceptedSinceEmpty = 0;
      this.#grow(now);
    }
    this.#renew(now);
  }

  /** Brings the pace up to `now`; a waiter whose epoch has passed reserves again. */
  tick(now: number): void {
    this.#grow(now);
  }

  #renew(now: number): void {
    this.epoch++;
    this.#epochRate = this.rate;
    // Everyone reserves again, from one slot ahead at most: a slot that began just now still counts.
    this.#nextStart = Math.max(this.#pausedUntil, now, Math.min(this.#nextStart, now + 1000 / (this.rate ?? Infinity)));
  }

  #nextBase(now: number): number {
    const through = this.#recent.filter((t) => t > now - WINDOW_MS).length;
    const wasGuessing = this.#guessing;
    this.measured = this.#emptyAt !== undefined && this.#acceptedSinceEmpty > 0;
    this.#guessing = !this.measured && through > 0;
    if (this.measured) {
      const measured = this.#acceptedSinceEmpty / ((now - this.#emptyAt!) / 1000);
      // A span that began with a slow start measures mostly the slow start: the last second says more.
      return Math.max(measured, wasGuessing ? through : 0, (this.rate ?? 0) * UNDER_THE_PACE_THAT_MET_IT);
    }
    // Nothing to measure from (a first 429, one after a quiet spell, one that nothing got through
    // before): what got through in the last second is a guess, which the next 429 corrects.
    return through > 0 ? through : (this.rate ?? 1) / 2;
  }

  #grow(now: number): void {
    if (this.#base === undefined) return;
    const seconds = Math.max(0, now - this.#growingSince) / 1000;
    // Back to the measure in a few seconds, or in as many requests at a slow pace: 429s stay rare either way.
    const back = Math.max(BACK_TO_MEASURE_S, BACK_TO_MEASURE_REQUESTS / this.#base, (this.#lastPauseMs / 1000) * BACK_TO_MEASURE_PAUSES);
    const growth = this.#guessing ? 2 ** seconds : 1 + (1 - BELOW_MEASURED) * ((seconds - back) / back) ** 3;
    this.rate = Math.max(MIN_RATE, Math.min(this.#ceiling ?? Infinity, this.#base * growth));
    if (this.rate > (this.#epochRate ?? Infinity) * REGROWN) this.#renew(now);
  }
}
