// The shared pace: its arithmetic on an injected clock, a simulated API that limits, and a 429 storm
// shared by 32 concurrent requests over real HTTP.
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/client/rate-limiter.js";
import { startApi, type Api } from "../helpers/api.js";

describe("RateLimiter arithmetic", () => {
  it("does not pace at all while no limit is known", () => {
    const l = new RateLimiter();
    expect([0, 0, 1, 1, 2].map((t) => l.reserve(t))).toEqual([0, 0, 0, 0, 0]);
  });

  it("paces at a ceiling it is given, the lowest one winning", () => {
    const l = new RateLimiter({ ceiling: 10 });
    l.cap(20);
    expect([0, 0, 0, 350].map((t) => l.reserve(t))).toEqual([0, 100, 200, 0]);
    l.cap(4);
    expect(l.rate).toBe(4);
  });

  it("on a 429 everyone waits Retry-After, then paces under what the API let through", () => {
    const l = new RateLimiter();
    for (let t = 0; t < 1000; t += 100) {
      l.reserve(t);
      l.accepted(t + 10);
    }
    l.throttled(1000, 2000);
    expect(l.rate).toBeCloseTo(10 * 0.7); // 10 accepted in the last second
    expect(l.reserve(1000)).toBe(2000);
    expect(l.reserve(1000)).toBeCloseTo(2000 + 1000 / 7);
  });

  it("drops the pace once per interval: the 429s of requests already in flight say nothing new", () => {
    const l = new RateLimiter({ ceiling: 10 });
    l.accepted(500);
    l.throttled(1000, undefined);
    const once = l.rate;
    l.throttled(1100, undefined);
    l.throttled(1500, undefined);
    expect(l.rate).toBe(once);
  });

  it("creeps back up without 429s, never past the ceiling", () => {
    const l = new RateLimiter({ ceiling: 10 });
    l.accepted(900);
    l.throttled(1000, undefined);
    const after = l.rate!;
    l.reserve(11_000);
    expect(l.rate!).toBeGreaterThan(after);
    l.reserve(1_000_000);
    expect(l.rate).toBe(10);
  });

  // Eight workers (Pulumi's default parallelism) against a token bucket that answers 429 + Retry-After.
  // Measured with this simulation: 0.97×, 1.20× and 2.00× the floor (200 requests at 50/s take 4 s,
  // of which finding the limit takes a good part); 1.5%, 1.0% and 1.0% 429s.
  it.each([
    [5, 1.1],
    [20, 1.3],
    [50, 2.1],
  ])("paces 200 requests near a limit of %i requests/s (within %f× the floor) with few 429s (simulated)", (limit, within) => {
    const l = new RateLimiter();
    const burst = 10;
    const latency = 20;
    let tokens = burst;
    let last = 0;
    let sent = 0;
    let refused = 0;
    let next = 0;
    const events: Array<[number, number]> = Array.from({ length: 8 }, (_, w) => [0, w]);
    const job = new Map<number, number>();
    let now = 0;
    while (events.length) {
      events.sort((a, b) => a[0] - b[0]);
      const [t, w] = events.shift()!;
      now = t;
      if (!job.has(w)) {
        if (next >= 200) continue;
        job.set(w, next++);
      }
      const at = now + l.reserve(now);
      tokens = Math.min(burst, tokens + ((at - last) / 1000) * limit);
      last = at;
      sent++;
      if (tokens >= 1) {
        tokens -= 1;
        job.delete(w);
        l.accepted(at + latency);
      } else {
        refused++;
        l.throttled(at + latency, Math.ceil((1 - tokens) / limit) * 1000);
      }
      events.push([at + latency, w]);
    }
    expect(now / 1000).toBeLessThanOrEqual((200 / limit) * within);
    expect(refused / sent).toBeLessThanOrEqual(0.1);
  });
});

describe("one pace shared over real HTTP", () => {
  let api: Api | undefined;

  it("32 concurrent requests behind a limit all succeed, with far fewer than 32 × 4 requests sent", async () => {
    api = await startApi({ rateLimit: { rate: 20, burst: 5 } });
    try {
      const client = api.clientWith({});
      const results = await Promise.all(Array.from({ length: 32 }, () => client.list()));
      expect(results).toHaveLength(32);
      const statuses = api.server.requests.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(32);
      // Each request on its own would have met the limit up to its 4 attempts; sharing the 429s
      // paces them all after the first storm.
      expect(statuses.length).toBeLessThan(32 * 3);
    } finally {
      await api.close();
    }
  });
});
