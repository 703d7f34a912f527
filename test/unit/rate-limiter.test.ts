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

  it("on a first 429 everyone waits Retry-After, then paces at what got through in the last second, doubling each second", () => {
    const l = new RateLimiter();
    for (let t = 0; t < 1000; t += 100) {
      l.reserve(t);
      l.accepted(t + 10);
    }
    l.throttled(1000, 2000);
    expect(l.rate).toBeCloseTo(10);
    expect(l.measured).toBe(false);
    expect(l.reserve(1000)).toBe(2000);
    expect(l.reserve(1000)).toBeCloseTo(2000 + 1000 / 10);
    l.reserve(4000);
    expect(l.rate).toBeCloseTo(20);
  });

  it("a second 429 measures: what the API let through since the first, over the time since", () => {
    const l = new RateLimiter();
    l.accepted(900);
    l.throttled(1000, 1000);
    for (let t = 2000; t < 4000; t += 150) {
      l.reserve(t);
      l.accepted(t + 10);
    }
    l.throttled(5000, 1000); // 14 let through in 4 s: 3.5/s
    expect(l.measured).toBe(true);
    expect(l.rate).toBeCloseTo(3.5 * 0.95);
  });

  it("a measure never falls under 0.7× the pace that met the 429", () => {
    const l = new RateLimiter();
    l.accepted(0);
    l.throttled(0, undefined);
    for (let i = 0; i < 10; i++) l.accepted(100 * i + 50);
    l.throttled(2000, undefined); // 10 in 2 s: 5/s
    for (let t = 2000; t <= 12_000; t += 100) l.reserve(t); // grown to 4.2× that
    const met = l.rate!;
    expect(met).toBeCloseTo(5 * 4.2);
    l.accepted(12_000);
    l.throttled(12_500, undefined); // 1 let through in 10.5 s
    expect(l.rate).toBeCloseTo(met * 0.7 * 0.95);
  });

  it("counts one 429 per interval: those of requests already in flight say nothing new", () => {
    const l = new RateLimiter({ ceiling: 10 });
    l.accepted(500);
    l.throttled(1000, undefined);
    const once = l.rate;
    l.accepted(1050);
    l.throttled(1100, undefined);
    l.throttled(1500, undefined);
    expect(l.rate).toBe(once);
    expect(l.epoch).toBe(3); // but each voids the slots reserved before it
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
  ])("grows back as a cubic: %i s after a measuring 429, at %f× the measure", (seconds, share) => {
    const l = new RateLimiter();
    l.accepted(0);
    l.throttled(0, undefined);
    for (let i = 0; i < 10; i++) l.accepted(100 * i + 50); // 10 in 2 s: 5/s
    l.throttled(2000, undefined);
    l.reserve(2000 + seconds * 1000);
    expect(l.rate).toBeCloseTo(5 * share);
  });

  it.each([
    // measured rate, Retry-After, seconds it takes to grow back to the measure
    [5, undefined, 2],
    [0.5, undefined, 20],
    [5, 3000, 12],
  ])("grows back to a measure of %f/s, Retry-After %s ms, in %i s", (rate, retryAfter, back) => {
    const l = new RateLimiter();
    l.throttled(0, undefined); // nothing got through: 0.5/s, not a slow start
    for (let i = 0; i < rate * 10; i++) l.accepted(10 + i * (1000 / rate)); // 10 s of it
    l.throttled(10_000, retryAfter);
    l.reserve(10_000 + (retryAfter ?? 0) + back * 1000);
    expect(l.rate).toBeCloseTo(rate);
  });

  it("never grows past the ceiling", () => {
    const l = new RateLimiter({ ceiling: 10 });
    l.accepted(900);
    l.throttled(1000, undefined);
    l.reserve(1_000_000);
    expect(l.rate).toBe(10);
  });

  it("does not measure across a quiet spell, when the API may have saved up again", () => {
    const l = new RateLimiter();
    l.accepted(900);
    l.throttled(1000, undefined); // guess 1/s
    l.reserve(1000);
    l.reserve(10_000); // 8 s of pace left unused
    for (let t = 10_100; t < 11_000; t += 250) l.accepted(t);
    l.throttled(11_000, undefined);
    expect(l.measured).toBe(false);
    expect(l.rate).toBeCloseTo(4); // a guess from the last second again
  });

  // Pulumi's default of 8 operations at once against a token bucket that answers 429 + Retry-After
  // (whole seconds), each worker doing what the transport does: reserve a slot, wait for it in naps of
  // at most 250 ms, reserve again when the epoch changed meanwhile, and send.
  it.each([
    // limit, burst, count, within × the floor, at most this share of 429s
    [1, 2, 100, 1.1, 0.1],
    [5, 10, 200, 1.05, 0.05],
    [20, 40, 200, 1.0, 0.03],
    [50, 100, 200, 1.0, 0.03],
    [20, 1, 600, 1.7, 0.03],
  ])("paces near a limit of %i requests/s (bursts of %i), %i requests within %f× the floor (simulated)", (limit, burst, count, within, share) => {
    const l = new RateLimiter();
    const latency = 20;
    let tokens = burst;
    let last = 0;
    let sent = 0;
    let refused = 0;
    let next = 0;
    // [time, worker, epoch of its slot (undefined: none yet), wait left]
    const events: Array<[number, number, number | undefined, number]> = Array.from({ length: 8 }, (_, w) => [0, w, undefined, 0]);
    const job = new Map<number, number>();
    let now = 0;
    const wait = (w: number, epoch: number, left: number) => events.push([now + Math.min(left, 250), w, epoch, Math.max(0, left - 250)]);
    while (events.length) {
      events.sort((a, b) => a[0] - b[0]);
      const [t, w, epoch, left] = events.shift()!;
      now = t;
      if (!job.has(w)) {
        if (next >= count) continue;
        job.set(w, next++);
      }
      if (epoch !== undefined) l.tick(now);
      if (epoch === undefined || epoch !== l.epoch) {
        const ms = l.reserve(now);
        wait(w, l.epoch, ms);
        continue;
      }
      if (left > 0) {
        wait(w, epoch, left);
        continue;
      }
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * limit);
      last = now;
      sent++;
      if (tokens >= 1) {
        tokens -= 1;
        job.delete(w);
        l.accepted(now + latency);
      } else {
        refused++;
        l.throttled(now + latency, Math.ceil((1 - tokens) / limit) * 1000);
      }
      events.push([now + latency, w, undefined, 0]);
    }
    console.log(`simulated ${limit}/s, bursts of ${burst}, ${count} requests: ${(now / 1000 / (count / limit)).toFixed(2)}× the floor, ${((100 * refused) / sent).toFixed(1)}% 429`);
    expect(now / 1000).toBeLessThanOrEqual((count / limit) * within);
    expect(refused / sent).toBeLessThanOrEqual(share);
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
