// One API limit shared by the stacks that run at the same time. Each stack's client paces itself to its
// share (telephony:maxRequestsPerSecond or TELEPHONY_MAX_RPS) from its first request, so together they
// stay under the limit; without shares each would meet the limit and back off on its own, N times over.

/** The smallest share worth giving: below it a stack of a few hundred configurations takes an hour. */
export const MIN_SHARE = 0.1;

/**
 * Each stack's requests per second when `concurrent` stacks share `total`. Rounded down to a hundredth,
 * so that the shares never add up to more than the total.
 */
export function rateShare(total: number, concurrent: number): number {
  if (!(total > 0) || !Number.isFinite(total))
    throw new Error(`the rate budget must be a positive number of requests per second, not ${String(total)}`);
  if (!Number.isInteger(concurrent) || concurrent < 1)
    throw new Error(`the stacks that run at once must be a whole number, 1 or more, not ${String(concurrent)}`);
  const share = Math.floor((total / concurrent) * 100) / 100;
  // Past about 1e306, the hundredths overflow to Infinity, which every client would take as "no limit".
  if (!Number.isFinite(share))
    throw new Error(`the rate budget must be a number of requests per second an API can have, not ${String(total)}`);
  if (share < MIN_SHARE)
    throw new Error(
      `a budget of ${total} requests per second across ${concurrent} stacks at once leaves each ${share}, ` +
        `under ${MIN_SHARE}: run fewer stacks at once or raise the budget`,
    );
  return share;
}
