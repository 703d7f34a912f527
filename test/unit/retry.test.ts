import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryDelay, type AttemptOutcome } from "../../src/client/retry.js";

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
const now = new Date("2026-11-27T10:00:00Z");
const half = () => 0.5;

describe("retryDelay", () => {
  it.each<[string, string, AttemptOutcome, number, number | undefined]>([
    ["GET on a network error", "GET", { networkError: true }, 1, 50],
    ["GET on 502", "GET", { status: 502 }, 1, 50],
    ["GET on 503, third attempt", "GET", { status: 503 }, 3, 200],
    ["GET on 504", "GET", { status: 504 }, 2, 100],
    ["PATCH on 503", "PATCH", { status: 503 }, 1, 50],
    ["DELETE on a network error", "DELETE", { networkError: true }, 1, 50],
    ["POST on a network error: may have happened", "POST", { networkError: true }, 1, undefined],
    ["POST that was never sent (connection refused)", "POST", { networkError: true, sent: false }, 1, 50],
    [
      "GET over https to a plain-HTTP server: trying again cannot help",
      "GET",
      { networkError: true, sent: false, lasting: true },
      1,
      undefined,
    ],
    ["a 429 is the rate limiter's, not a retry", "GET", { status: 429 }, 1, undefined],
    ["POST on 503", "POST", { status: 503 }, 1, undefined],
    ["GET on 500", "GET", { status: 500 }, 1, undefined],
    ["GET on 404", "GET", { status: 404 }, 1, undefined],
    ["PATCH on 400", "PATCH", { status: 400 }, 1, undefined],
    ["GET on 401", "GET", { status: 401 }, 1, undefined],
    ["GET after the last attempt", "GET", { status: 503 }, 4, undefined],
    ["backoff is capped", "GET", { status: 503 }, 3, 200],
  ])("%s", (_name, method, outcome, attempt, expected) => {
    expect(retryDelay(policy, method, outcome, attempt, half)).toBe(expected);
  });

  it("caps the exponential backoff at maxDelayMs", () => {
    expect(retryDelay({ ...policy, maxAttempts: 20 }, "GET", { status: 503 }, 10, () => 1)).toBe(1_000);
  });

  it("spreads delays with jitter between 0 and the ceiling", () => {
    expect(retryDelay(policy, "GET", { status: 503 }, 2, () => 0)).toBe(0);
    expect(retryDelay(policy, "GET", { status: 503 }, 2, () => 0.999)).toBe(200);
  });
});

describe("parseRetryAfter", () => {
  it.each<[string | null, number | undefined]>([
    ["0", 0],
    [" 5 ", 5_000],
    ["Fri, 27 Nov 2026 10:00:10 GMT", 10_000],
    ["Fri, 27 Nov 2026 09:00:00 GMT", 0],
    ["soon", undefined],
    ["1.5", 1_500],
    ["9".repeat(400), undefined],
    ["-1", undefined],
    ["2026-11-27", undefined],
    [null, undefined],
  ])("%s", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
