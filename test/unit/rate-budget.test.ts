import { describe, expect, it } from "vitest";
import { rateShare } from "../../src/gitops/rate-budget.js";

describe("rateShare: one API limit across the stacks that run at once", () => {
  it.each([
    [10, 1, 10],
    [10, 4, 2.5],
    [10, 3, 3.33],
    [5, 3, 1.66],
    [1, 10, 0.1],
    [2.5, 2, 1.25],
  ])("%s requests per second across %s stacks: %s each, never more than the total together", (total, n, share) => {
    expect(rateShare(total, n)).toBe(share);
    expect(rateShare(total, n) * n).toBeLessThanOrEqual(total);
  });

  it.each([
    [0, 1, "the rate budget must be a positive number of requests per second, not 0"],
    [Number.NaN, 1, "the rate budget must be a positive number of requests per second, not NaN"],
    [Number.POSITIVE_INFINITY, 1, "the rate budget must be a positive number of requests per second, not Infinity"],
    [1e307, 1, "the rate budget must be a number of requests per second an API can have, not 1e+307"],
    [10, 0, "the stacks that run at once must be a whole number, 1 or more, not 0"],
    [10, 1.5, "the stacks that run at once must be a whole number, 1 or more, not 1.5"],
    [
      1,
      11,
      "a budget of 1 requests per second across 11 stacks at once leaves each 0.09, under 0.1: run fewer stacks at once or raise the budget",
    ],
  ])("%s across %s: refused", (total, n, message) => {
    expect(() => rateShare(total, n)).toThrow(message);
  });
});
