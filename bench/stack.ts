// npm run bench:stack — 200 declared configurations through the real Pulumi CLI, against the local
// API server, and the same `up` with a no-op dynamic provider as the engine's floor. The two `up`s
// alternate over a few rounds (which goes first alternates too), so that a noisy machine weighs on both.
import { Scratch } from "./scratch.js";
import { startServerThread } from "./server-thread.js";

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const scratch = new Scratch();
const server = await startServerThread();
try {
  const real = scratch.telephonyProject(COUNT, server.url, "bench-token", "bench-org");
  const noop = scratch.project(
    "noop",
    "name: bench-noop\nruntime: { name: nodejs, options: { typescript: false } }\nmain: dist/bench/noop-program.js\n",
  );
  scratch.pulumi(noop, ["stack", "init"]);
  scratch.pulumi(noop, ["config", "set", "count", String(COUNT)]);

  const rows: Array<[string, number, number]> = [];
  const measure = async (label: string, dir: string, args: string[]) => {
    const before = await server.ask<number>("requests");
    const seconds = scratch.pulumi(dir, args);
    rows.push([label, seconds, (await server.ask<number>("requests")) - before]);
    return seconds;
  };
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const up = { real: 0, noop: 0 };
    for (const which of round % 2 ? (["real", "noop"] as const) : (["noop", "real"] as const)) {
      up[which] = await measure(
        `round ${round}: pulumi up, ${which === "real" ? "create" : "no-op dynamic provider"}`,
        which === "real" ? real : noop,
        ["up", "--yes", "--skip-preview"],
      );
    }
    if (round === 1) {
      await measure("pulumi preview (no changes)", real, ["preview", "--expect-no-changes"]);
      await measure("pulumi preview --refresh", real, ["preview", "--refresh", "--expect-no-changes"]);
    }
    await measure(`round ${round}: pulumi destroy`, real, ["destroy", "--yes", "--skip-preview"]);
    scratch.pulumi(noop, ["destroy", "--yes", "--skip-preview"]);
    ratios.push(up.real / up.noop);
  }
  const connections = await server.ask<number>("connections");
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;

  console.log(
    `bench:stack — ${COUNT} declared configurations, real Pulumi CLI, local API server, ${ROUNDS} alternating rounds`,
  );
  for (const [label, seconds, calls] of rows)
    console.log(`  ${label.padEnd(52)} ${seconds.toFixed(2).padStart(7)} s  ${String(calls).padStart(5)} API calls`);
  console.log(`  up / engine floor, per round           ${ratios.map((r) => `${r.toFixed(2)}×`).join(", ")}`);
  console.log(
    `  up / engine floor, median              ${median.toFixed(2)}× (spread ${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)}; goal <= 1.20)`,
  );
  console.log(
    `  TCP connections to the API, all runs   ${connections} (for ${rows.reduce((n, [, , c]) => n + c, 0)} calls)`,
  );
} finally {
  await server.close();
  scratch.remove();
}
