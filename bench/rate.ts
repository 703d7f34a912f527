// npm run bench:rate — `pulumi up` and `destroy` of 200 configurations behind APIs that take 5, 20 and
// 50 requests a second (bursts of twice that), with the shared pace and with it switched off
// (TELEPHONY_RATE_LIMITER=off: each request on its own, as before), against the limit's floor
// (200 / rate) plus the engine's own time (a no-op dynamic provider's up of 200, measured in each
// round). The two modes alternate over a few rounds, and which goes first alternates too.
import { Scratch } from "./scratch.js";
import { startServerThread, type ServerThread } from "./server-thread.js";

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIMITS = [5, 20, 50];
const MODES = ["on", "off"] as const;
const OPS = ["up", "destroy"] as const;

interface Run {
  ok: boolean;
  ratio: number;
  refused: number;
  sent: number;
}

const scratch = new Scratch();
const noop = scratch.project(
  "noop",
  "name: bench-noop\nruntime: { name: nodejs, options: { typescript: false } }\nmain: dist/bench/noop-program.js\n",
);
scratch.pulumi(noop, ["stack", "init"]);
scratch.pulumi(noop, ["config", "set", "count", String(COUNT)]);

const servers: Array<{ rate: number; server: ServerThread; dir: string }> = [];
const runs = new Map<string, Run[]>();
const engines: number[] = [];
try {
  for (const rate of LIMITS) {
    const server = await startServerThread({ rate, burst: rate * 2 });
    servers.push({
      rate,
      server,
      dir: scratch.telephonyProject(COUNT, server.url, "bench-token", "bench-org", `real-${rate}`),
    });
  }
  for (let round = 1; round <= ROUNDS; round++) {
    const engine = scratch.pulumi(noop, ["up", "--yes", "--skip-preview"]);
    scratch.pulumi(noop, ["destroy", "--yes", "--skip-preview"]);
    engines.push(engine);
    for (const { rate, server, dir } of servers) {
      const floor = COUNT / rate + engine;
      for (const mode of round % 2 ? MODES : [...MODES].reverse()) {
        const env = mode === "off" ? { TELEPHONY_RATE_LIMITER: "off" } : {};
        for (const op of OPS) {
          const [requests, refused] = [await server.ask<number>("requests"), await server.ask<number>("refused")];
          const run = scratch.attempt(
            dir,
            "pulumi",
            [op, "--yes", "--skip-preview", "--stack", "bench", "--non-interactive"],
            env,
          );
          const sent = (await server.ask<number>("requests")) - requests;
          const key = `${rate} ${mode} ${op}`;
          runs.set(key, [
            ...(runs.get(key) ?? []),
            { ok: run.ok, ratio: run.seconds / floor, refused: (await server.ask<number>("refused")) - refused, sent },
          ]);
        }
        // Whatever a failed run left behind goes, with the pace on, before the next mode starts.
        scratch.run(dir, "pulumi", ["destroy", "--yes", "--skip-preview", "--stack", "bench", "--non-interactive"]);
      }
    }
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  console.log(
    `bench:rate — ${COUNT} configurations, real Pulumi CLI, local API server with a rate limit (bursts of 2× the rate), ${ROUNDS} alternating rounds`,
  );
  console.log(
    `  engine's own time per round (no-op dynamic provider, up of ${COUNT}): ${engines.map((e) => `${e.toFixed(1)} s`).join(", ")}`,
  );
  console.log(
    `  floor = ${COUNT} / rate + that round's engine time; wall / floor as the median (spread); 429s as a share of requests sent`,
  );
  for (const rate of LIMITS) {
    for (const mode of MODES) {
      for (const op of OPS) {
        const rs = runs.get(`${rate} ${mode} ${op}`)!;
        const failed = rs.filter((r) => !r.ok).length;
        const shares = rs.map((r) => (100 * r.refused) / Math.max(1, r.sent));
        console.log(
          `  ${String(rate).padStart(3)}/s  limiter ${mode.padEnd(3)}  ${op.padEnd(7)}  ${median(rs.map((r) => r.ratio)).toFixed(2)}× floor (${spread(rs.map((r) => r.ratio))})` +
            `  ${median(shares).toFixed(1).padStart(4)}% 429 (${spread(shares)})  ${failed ? `${failed} of ${rs.length} FAILED` : `all ${rs.length} ok`}`,
        );
      }
    }
  }
  console.log("  goal: with the limiter, up within 1.25× the floor and at most 10% 429s");
} finally {
  for (const { server } of servers) await server.close();
  scratch.remove();
}
