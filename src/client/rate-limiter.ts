// One pace for every request a process sends to one API, adapted to what the API allows, in the
// spirit of the AWS SDKs' "adaptive" retry mode. Pure arithmetic over the caller's (monotonic) clock;
// the transport does the waiting.
//
// - Until the first 429 there is no pacing. At a 429 everyone waits what Retry-After asks.
// - A 429 with nothing to measure from (the first one, one after a quiet spell, one that nothing got
//   through before) gives a guess: what got through in the last second, or half the pace. From it the
//   pace doubles each second, as TCP's slow start does, until the next 429.
// - Otherwise the rate is measured between two 429s: at each one the API had nothing left to give, so
//   what it let through in between is what it allows in that time (a token bucket's conservation, a
//   window counter's roughly). One 429 takes the pace down by 30% at most, as TCP's CUBIC does.
// - Pacing under the limit for long would let the API save up and lose the rest, so the pace starts
//   just under the measure and grows as CUBIC does: slowly past the measure, then faster, so that 429s
//   stay rare near it and a measure that came out low is soon left behind.
// - The pace never grows past twice what the client sent in the last second: a pace nobody uses says
//   nothing about the API (TCP's window validation). And while nothing gets through at all, it does not
//   grow: a 429 then halves it, down to one request every 5 seconds, until an answer gets through.
// - A slot reserved at an older pace is void (`epoch`): after a 429, and once the pace has grown well
//   past it, everyone waiting reserves again.

export interface RateLimiterOptions {
  /** Requests per second never to exceed (a limit the API publishes). Unset: found out from 429s. */
  ceiling?: number | undefined;
}

// The 429s of requests already in flight when one came back say nothing new: one counts per interval.
const COUNTED_INTERVAL_MS = 1_000;
// The pace after a measuring 429, as a share of the measure. It grows back to the measure (and as far
// past it again) in 2 seconds, 10 requests or 4 Retry-Afters, whichever is longest, and in a minute at
// most: at a slow pace or behind long pauses, probing too often would make 429s common.
const BELOW_MEASURED = 0.95;
const BACK_TO_MEASURE_S = 2;
const BACK_TO_MEASURE_REQUESTS = 10;
const BACK_TO_MEASURE_PAUSES = 4;
const BACK_TO_MEASURE_MAX_S = 60;
// One 429 takes the pace down to this share of what the client was sending at most (its pace, or less
// when it used less), as TCP's CUBIC does: a span spent partly under the limit measures less than it.
const MAX_DECREASE = 0.7;
const WINDOW_MS = 1_000;
// Pace left unused this long lets the API save up again, so the next 429 measures nothing.
const IDLE_MS = 1_000;
const MIN_RATE = 0.2;
// Slots reserved at a pace this many times slower than the current one are reserved again.
const REGROWN = 1.25;
// Longer than this, a Retry-After is not waited for here: the transport fails calls instead, until then.
export const MAX_PAUSE_MS = 5 * 60_000;

export class RateLimiter {
  /** Requests per second; undefined while no limit is known (no pacing at all). */
  rate: number | undefined;
  /**
   * Changes when the slots reserved before are void: at a 429, for everyone has to wait and slow
   * down, and when the pace has grown well past the one they were reserved at.
   */
  epoch = 0;
  #epochRate: number | undefined;
  #ceiling: number | undefined;
  #nextStart = 0;
  #pausedUntil = 0;
  /** The rate the pace grows around, since when, and how: doubling (a guess) or a cubic (a measure). */
  #base: number | undefined;
  #growingSince = 0;
  #guessing = false;
  #lastPauseMs = 0;
  /** When the last counted 429 came back, while the measure holds. */
  #emptyAt: number | undefined;
  #acceptedSinceEmpty = 0;
  /** Nothing got through between the last two 429s: the pace holds until something does. */
  #holding = false;
  /** The API asked to wait longer than anyone waits here: until then every call fails at once. */
  #refusingUntil = 0;
  /** Times of the answers the API let through, and of all its answers, in the last window. */
  readonly #accepted: number[] = [];
  readonly #answered: number[] = [];

  constructor(options: RateLimiterOptions = {}) {
    this.cap(options.ceiling);
  }

  /** Lowers the ceiling (the lowest one asked for wins); a missing or non-positive one changes nothing. */
  cap(ceiling: number | undefined): void {
    if (!ceiling || !(ceiling > 0)) return;
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
    record(this.#accepted, now);
    record(this.#answered, now);
    if (this.#holding) {
      this.#holding = false;
      this.#growingSince = Math.max(now, this.#pausedUntil);
    }
  }

  /** Milliseconds left during which the API refuses everyone for longer than anyone waits here. */
  refusing(now: number): number {
    return Math.max(0, this.#refusingUntil - now);
  }

  /** A 429: everyone waits `retryAfterMs` (when given), and the pace goes just under what the API allows. */
  throttled(now: number, retryAfterMs: number | undefined): void {
    record(this.#answered, now);
    const pause = retryAfterMs !== undefined && retryAfterMs >= 0 ? Math.min(retryAfterMs, MAX_PAUSE_MS) : undefined;
    if (pause !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, now + pause);
    if (retryAfterMs !== undefined && retryAfterMs > MAX_PAUSE_MS)
      this.#refusingUntil = Math.max(this.#refusingUntil, now + retryAfterMs);
    if (this.#emptyAt === undefined || now - this.#emptyAt >= COUNTED_INTERVAL_MS) {
      this.#base = this.#nextBase(now);
      this.#lastPauseMs = pause ?? 0;
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
    const through = inWindow(this.#accepted, now);
    this.#holding = false;
    const measurable = this.#emptyAt !== undefined && this.#acceptedSinceEmpty > 0;
    if (measurable) {
      const measured = this.#acceptedSinceEmpty / ((now - this.#emptyAt!) / 1000);
      // A span that began with a slow start measures mostly the slow start: what got through in the
      // last second says more, and the next 429 measures.
      const slowStart = this.#guessing ? through : 0;
      this.#guessing = false;
      this.#grow(now);
      const sending = Math.min(this.rate ?? Infinity, this.#sent(now));
      return Math.max(measured, slowStart, sending * MAX_DECREASE, MIN_RATE);
    }
    this.#guessing = true;
    this.#holding = this.#emptyAt !== undefined && this.#acceptedSinceEmpty === 0;
    return Math.max(through > 0 ? through : (this.rate ?? 2) / 2, MIN_RATE);
  }

  /** Requests per second the API answered (sent, as far as it knows) in the last window. */
  #sent(now: number): number {
    return (inWindow(this.#answered, now) * 1000) / WINDOW_MS;
  }

  #grow(now: number): void {
    if (this.#base === undefined) return;
    const seconds = this.#holding ? 0 : Math.max(0, now - this.#growingSince) / 1000;
    const back = Math.min(
      BACK_TO_MEASURE_MAX_S,
      Math.max(
        BACK_TO_MEASURE_S,
        BACK_TO_MEASURE_REQUESTS / this.#base,
        (this.#lastPauseMs / 1000) * BACK_TO_MEASURE_PAUSES,
      ),
    );
    const growth = this.#guessing
      ? 2 ** Math.min(seconds, 64)
      : 1 + (1 - BELOW_MEASURED) * ((seconds - back) / back) ** 3;
    const pace = Math.max(MIN_RATE, Math.min(this.#base * growth, Math.max(this.#base, 2 * this.#sent(now))));
    this.rate = Math.min(this.#ceiling ?? Infinity, pace);
    if (this.rate > (this.#epochRate ?? Infinity) * REGROWN) this.#renew(now);
  }
}

/** Adds `now` to a list of times, keeping only the last window's. */
function record(times: number[], now: number): void {
  times.push(now);
  while (times.length && times[0]! <= now - WINDOW_MS) times.shift();
}

const inWindow = (times: number[], now: number): number => times.filter((t) => t > now - WINDOW_MS).length;
