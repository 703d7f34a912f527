// The shared pace: its arithmetic on an injected clock, a simulated API that limits, and a 429 storm
// shared by 32 concurrent requests over real HTTP.
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/client/rate-limiter.js";
import { startApi, type Api } from "../helpers/api.js";

/** Sends `count` requests over the second before `now`, all let through: a client asking for that many. */
const ask = (l: RateLimiter, now: number, count = 100) => {
  for (let i = 0; i < count; i++) {
    const t = now - 1000 + ((i + 1) * 1000) / count;
    l.reserve(t);
    l.accepted(t);
  }
  l.tick(now);
};

/** A limiter whose pace has just been measured at `rate` (at 4000 ms, no Retry-After). */
const measuredAt = (rate: number): RateLimiter => {
  const l = new RateLimiter();
  l.accepted(0);
  l.throttled(0, undefined); // a guess: 1/s, doubling
  for (let i = 0; i < rate; i++) l.accepted(1000 + ((i + 1) * 1000) / rate);
  l.throttled(2000, undefined); // the slow start ends at what got through in its last second
  for (let i = 0; i < 2 * rate; i++) l.accepted(2000 + ((i + 0.5) * 1000) / rate);
  l.throttled(4000, undefined); // what got through in between, over the time since
  return l;
};

describe("RateLimiter arithmetic", () => {
  it("does not pace at all while no limit is known", () => {
    const l = new RateLimiter();
    expect([0, 0, 1, 1, 2].map((t) => l.reserve(t))).toEqual([0, 0, 0, 0, 0]);
  });

  it("paces at a ceiling it is given, the lowest one winning, even under its least pace", () => {
    const l = new RateLimiter({ ceiling: 10 });
    l.cap(20);
    expect([0, 0, 0, 350].map((t) => l.reserve(t))).toEqual([0, 100, 200, 0]);
    l.cap(0.1);
    l.accepted(400);
    l.throttled(500, undefined);
    expect(l.rate).toBe(0.1);
  });

  it("on a first 429 everyone waits Retry-After, then paces at what got through in the last second, doubling each second", () => {
    const l = new RateLimiter();
    for (let t = 0; t < 1000; t += 100) {
      l.reserve(t);
      l.accepted(t + 10);
    }
    l.throttled(1000, 2000);
    expect(l.rate).toBeCloseTo(10);
    expect(l.reserve(1000)).toBe(2000);
    expect(l.reserve(1000)).toBeCloseTo(2000 + 1000 / 10);
    ask(l, 4000);
    expect(l.rate).toBeCloseTo(20);
  });

  it("a first 429 that nothing got through before starts at 1/s, and doubles too", () => {
    const l = new RateLimiter();
    l.throttled(0, 1000);
    expect(l.rate).toBe(1);
    ask(l, 4000);
    expect(l.rate).toBeCloseTo(8);
  });

  it("a 429 after a slow start paces at what got through in its last second; the next one measures", () => {
    const l = measuredAt(5);
    expect(l.rate).toBeCloseTo(5 * 0.95);
    const m = new RateLimiter();
    m.accepted(0);
    m.throttled(0, undefined);
    for (let i = 0; i < 8; i++) m.accepted(1100 + i * 100);
    m.throttled(2000, undefined);
    expect(m.rate).toBeCloseTo(8 * 0.95);
  });

  it("while nothing gets through, a 429 halves the pace and it does not grow, down to one request every 5 s", () => {
    const l = measuredAt(8);
    const paces: number[] = [];
    for (let t = 5000; t <= 12_000; t += 1000) {
      l.reserve(t);
      l.throttled(t, undefined);
      paces.push(Number(l.rate!.toFixed(2)));
    }
    expect(paces).toEqual([3.98, 1.99, 0.99, 0.5, 0.25, 0.2, 0.2, 0.2]);
    l.tick(60_000);
    expect(l.rate).toBe(0.2);
    l.accepted(60_000); // something got through: the slow start resumes
    ask(l, 62_000, 3);
    expect(l.rate).toBeCloseTo(0.8);
  });

  it("a Retry-After longer than 5 minutes: everyone waits 5 minutes, and it says how long the API refuses", () => {
    const l = new RateLimiter();
    l.throttled(0, 3_600_000);
    expect(l.reserve(0)).toBe(300_000);
    expect(l.refusing(1000)).toBe(3_599_000);
    expect(l.refusing(3_600_000)).toBe(0);
  });

  it("one 429 takes what the client was sending down by 30% at most", () => {
    const l = measuredAt(10);
    for (let t = 4500; t < 13_000; t += 500) {
      l.reserve(t); // 2/s, well under the pace
      l.accepted(t);
    }
    ask(l, 14_000, 10); // then a second at 10/s, answered, and a 429
    l.throttled(14_000, undefined); // 27 let through in 10 s: 2.7/s; 11 answers in the last second
    expect(l.rate).toBeCloseTo(11 * 0.7 * 0.95, 1);
    const idle = measuredAt(10);
    idle.accepted(4500);
    idle.throttled(6000, undefined); // sending nearly nothing: the measure, 0.5/s, stands (or 0.7 of the 1 sent)
    expect(idle.rate).toBeCloseTo(0.7 * 0.95);
  });

  it("counts one 429 per interval: those of requests already in flight say nothing new", () => {
    const l = new RateLimiter({ ceiling: 10 });
    l.accepted(500);
    l.throttled(1000, undefined);
    const once = l.rate;
    l.accepted(1050);
    l.throttled(1100, 5000);
    l.throttled(1500, undefined);
    expect(l.rate).toBe(once);
    expect(l.epoch).toBe(3); // but each voids the slots reserved before it
    expect(l.reserve(1500)).toBe(4600); // and each Retry-After holds
  });

  it("voids the slots reserved at a pace it has since outgrown by a quarter", () => {
    const l = new RateLimiter();
    l.accepted(900);
    l.throttled(1000, undefined); // a guess of 1/s, doubling
    const epoch = l.epoch;
    expect(l.reserve(1000)).toBe(0);
    expect(l.reserve(1000)).toBe(1000);
    l.tick(1200);
    expect(l.epoch).toBe(epoch);
    l.tick(1400); // 2^0.4 = 1.32×
    expect(l.epoch).toBe(epoch + 1);
    expect(l.reserve(1400)).toBeCloseTo(1000 / 1.32, 0);
  });

  it.each([
    // seconds after the 429, pace as a share of the measure
    [0, 0.95],
    [2, 1],
    [4, 1.05],
    [6, 1.4],
    [10, 4.2],
  ])("grows back as a cubic, asked for more: %i s after a measuring 429, at %f× the measure", (seconds, share) => {
    const l = measuredAt(5);
    ask(l, 4000 + seconds * 1000);
    expect(l.rate).toBeCloseTo(5 * share);
  });

  it.each([
    // measured rate, Retry-After, seconds it takes to grow back to the measure
    [5, undefined, 2],
    [0.5, undefined, 20],
    [5, 3000, 12],
    [5, 30_000, 60],
  ])("grows back to a measure of %f/s, Retry-After %s ms, in %i s", (rate, retryAfter, back) => {
    const l = new RateLimiter();
    l.throttled(0, undefined); // 1/s, doubling
    for (let i = 0; i < rate * 10; i++) l.accepted(10 + i * (1000 / rate)); // 10 s at `rate`
    l.throttled(10_000, undefined); // the slow start ends
    for (let i = 0; i < rate * 20; i++) l.accepted(10_010 + i * (1000 / rate));
    l.throttled(30_000, retryAfter); // measures `rate`
    ask(l, 30_000 + (retryAfter ?? 0) + back * 1000);
    expect(l.rate).toBeCloseTo(rate);
  });

  it("grows no further than twice what it sent in the last second", () => {
    const l = measuredAt(5);
    ask(l, 30_000, 3); // 3 asked in the last second, 25 s on
    expect(l.rate).toBeCloseTo(6);
    l.tick(40_000); // nothing asked since
    expect(l.rate).toBe(5);
    ask(l, 3_600_000, 50);
    expect(l.rate).toBeCloseTo(100);
  });

  it("never grows past the ceiling", () => {
    const l = new RateLimiter({ ceiling: 10 });
    l.accepted(900);
    l.throttled(1000, undefined);
    ask(l, 1_000_000);
    expect(l.rate).toBe(10);
  });

  it("does not measure across a quiet spell, when the API may have saved up again", () => {
    const l = measuredAt(5);
    l.reserve(4000);
    l.reserve(10_000); // 6 s of pace left unused
    for (let t = 10_100; t < 11_000; t += 250) l.accepted(t);
    l.throttled(11_000, undefined);
    expect(l.rate).toBeCloseTo(4); // a guess from the last second again
    ask(l, 13_000);
    expect(l.rate).toBeCloseTo(16); // doubling
  });

  it("ignores a negative Retry-After", () => {
    const m = new RateLimiter();
    m.throttled(0, -5);
    expect(m.reserve(0)).toBe(0);
  });
});

// Pulumi's default of 8 operations at once (4 per CPU here) against a token bucket that answers 429 +
// Retry-After in whole seconds. Each worker does what the transport does: reserve a slot, wait for it
// in naps of at most 250 ms, reserve again when the epoch changed meanwhile, send; the API decides when
// the request arrives (half the latency), the client hears the answer when it comes back.
function simulate(limit: number, burst: number, count: number, workers = 8, latency = 20) {
  const l = new RateLimiter();
  let tokens = burst;
  let last = 0;
  let sent = 0;
  let refused = 0;
  let started = 0;
  let now = 0;
  const events: Array<[number, () => void]> = [];
  const at = (t: number, f: () => void) => events.push([t, f]);
  const send = (worker: () => void) => {
    sent++;
    at(now + latency / 2, () => {
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * limit);
      last = now;
      const ok = tokens >= 1;
      if (ok) tokens -= 1;
      const retryAfter = Math.ceil((1 - tokens) / limit) * 1000;
      at(now + latency / 2, () => {
        if (ok) {
          l.accepted(now);
          worker();
        } else {
          refused++;
          l.throttled(now, retryAfter);
          slot(() => send(worker));
        }
      });
    });
  };
  const slot = (then: () => void) => {
    let wait = l.reserve(now);
    const epoch = l.epoch;
    const nap = () => {
      if (l.epoch !== epoch) return slot(then);
      if (wait <= 0) return then();
      const ms = Math.min(wait, 250);
      wait -= ms;
      at(now + ms, () => {
        l.tick(now);
        nap();
      });
    };
    nap();
  };
  const worker = () => {
    if (started++ < count) slot(() => send(worker));
  };
  for (let w = 0; w < workers; w++) worker();
  while (events.length) {
    events.sort((a, b) => a[0] - b[0]);
    const [t, f] = events.shift()!;
    now = t;
    f();
  }
  return { ratio: now / 1000 / (count / limit), share: refused / sent };
}

describe("RateLimiter against a simulated API", () => {
  // Measured with this simulation: see the note of issue 12.
  it.each([
    // limit, burst, count, workers: within × the floor, at most this share of 429s
    [1, 2, 200, 8, 1.15, 0.1],
    [5, 10, 200, 8, 1.05, 0.08],
    [20, 40, 400, 8, 1.0, 0.05],
    [50, 100, 1000, 8, 1.0, 0.03],
    [5, 10, 1000, 32, 1.05, 0.06],
    [20, 1, 600, 8, 2.0, 0.05],
  ])(
    "paces near a limit of %i requests/s (bursts of %i): %i requests from %i workers within %f× the floor",
    (limit, burst, count, workers, within, share) => {
      const { ratio, share: refused } = simulate(limit, burst, count, workers);
      console.log(
        `simulated ${limit}/s, bursts of ${burst}, ${count} requests, ${workers} workers: ${ratio.toFixed(2)}× the floor, ${(100 * refused).toFixed(1)}% 429`,
      );
      expect(ratio).toBeLessThanOrEqual(within);
      expect(refused).toBeLessThanOrEqual(share);
    },
  );
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
