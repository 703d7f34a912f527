// npm run bench:rate — `pulumi up` and `destroy` of 200 configurations behind APIs that take 5, 20 and
// 50 requests a second (bursts of twice that), with the shared pace and with it switched off
// (TELEPHONY_RATE_LIMITER=off: each request on its own, as before), alternated, against the limit's
// floor (200 / rate) plus the engine's own time (a no-op dynamic provider's up of 200).
import { Scratch } from "./scratch.js";
import { startServerThread } from "./server-thread.js";

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const LIMITS = [5, 20, 50];
const scratch = new Scratch();
const noop = scratch.project("noop", "name: bench-noop\nruntime: { name: nodejs, options: { typescript: false } }\nmain: dist/bench/noop-program.js\n");
scratch.pulumi(noop, ["stack", "init"]);
scratch.pulumi(noop, ["config", "set", "count", String(COUNT)]);
const engine = scratch.pulumi(noop, ["up", "--yes", "--skip-preview"]);
scratch.pulumi(noop, ["destroy", "--yes", "--skip-preview"]);

const rows: string[] = [];
try {
  for (const rate of LIMITS) {
    const server = await startServerThread({ rate, burst: rate * 2 });
    try {
      const dir = scratch.telephonyProject(COUNT, server.url, "bench-token", "bench-org", `real-${rate}`);
      const floor = COUNT / rate + engine;
      for (const mode of ["on", "off"] as const) {
        const env = mode === "off" ? { TELEPHONY_RATE_LIMITER: "off" } : {};
        for (const op of ["up", "destroy"] as const) {
          const [requests, refused] = [await server.ask<number>("requests"), await server.ask<number>("refused")];
          const run = scratch.attempt(dir, "pulumi", [op, "--yes", "--skip-preview", "--stack", "bench", "--non-interactive"], { ...scratch.env, ...env });
          const sent = (await server.ask<number>("requests")) - requests;
          const no = (await server.ask<number>("refused")) - refused;
          rows.push(
            `  ${String(rate).padStart(3)}/s  limiter ${mode.padEnd(3)}  ${op.padEnd(7)} ${run.ok ? "ok    " : "FAILED"} ${run.seconds.toFixed(1).padStart(6)} s` +
              `  ${(run.seconds / floor).toFixed(2)}× floor (${floor.toFixed(1)} s)  ${String(sent).padStart(4)} requests, ${((100 * no) / Math.max(1, sent)).toFixed(1).padStart(5)}% 429`,
          );
        }
        // Whatever a failed run left behind goes, with the pace on, before the next mode starts.
        scratch.run(dir, "pulumi", ["destroy", "--yes", "--skip-preview", "--stack", "bench", "--non-interactive"]);
      }
    } finally {
      await server.close();
    }
  }
  console.log(`bench:rate — ${COUNT} configurations, real Pulumi CLI, local API server with a rate limit, one run`);
  console.log(`  engine's own time (no-op dynamic provider, up of ${COUNT}): ${engine.toFixed(1)} s; floor = ${COUNT} / rate + that`);
  for (const row of rows) console.log(row);
  console.log("  goal: with the limiter, up within 1.25× the floor and at most 10% 429s");
} finally {
  scratch.remove();
}
