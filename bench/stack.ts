// npm run bench:stack — 200 declared configurations through the real Pulumi CLI, against the local
// API server: the dynamic resource, the native plugin's, and the same `up` with a no-op dynamic
// provider as the engine's floor. The three `up`s alternate over a few rounds (which goes first
// rotates too), so that a noisy machine weighs on all of them.
import { Scratch } from "./scratch.js";
import { startServerThread } from "./server-thread.js";

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const scratch = new Scratch();
const server = await startServerThread();
try {
  const real = scratch.telephonyProject(COUNT, server.url, "bench-token", "bench-org");
  const native = scratch.telephonyProject(COUNT, server.url, "bench-token", "bench-org", "native", true);
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
  const nativeRatios: number[] = [];
  const order = ["real", "native", "noop"] as const;
  const labels = { real: "create, dynamic", native: "create, native plugin", noop: "no-op dynamic provider" };
  const dirs = { real, native, noop };
  for (let round = 1; round <= ROUNDS; round++) {
    const up = { real: 0, native: 0, noop: 0 };
    for (let i = 0; i < order.length; i++) {
      const which = order[(i + round - 1) % order.length]!;
      up[which] = await measure(`round ${round}: pulumi up, ${labels[which]}`, dirs[which], [
        "up",
        "--yes",
        "--skip-preview",
      ]);
    }
    if (round === 1) {
      await measure("pulumi preview (no changes)", real, ["preview", "--expect-no-changes"]);
      await measure("pulumi preview --refresh", real, ["preview", "--refresh", "--expect-no-changes"]);
    }
    await measure(`round ${round}: pulumi destroy`, real, ["destroy", "--yes", "--skip-preview"]);
    await measure(`round ${round}: pulumi destroy, native plugin`, native, ["destroy", "--yes", "--skip-preview"]);
    scratch.pulumi(noop, ["destroy", "--yes", "--skip-preview"]);
    ratios.push(up.real / up.noop);
    nativeRatios.push(up.native / up.real);
  }
  const connections = await server.ask<number>("connections");
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const nativeSorted = [...nativeRatios].sort((a, b) => a - b);

  console.log(
    `bench:stack — ${COUNT} declared configurations, real Pulumi CLI, local API server, ${ROUNDS} alternating rounds`,
  );
  for (const [label, seconds, calls] of rows)
    console.log(`  ${label.padEnd(52)} ${seconds.toFixed(2).padStart(7)} s  ${String(calls).padStart(5)} API calls`);
  console.log(`  up / engine floor, per round           ${ratios.map((r) => `${r.toFixed(2)}×`).join(", ")}`);
  console.log(
    `  up / engine floor, median              ${median.toFixed(2)}× (spread ${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)}; goal <= 1.20)`,
  );
  console.log(`  native / dynamic up, per round        ${nativeRatios.map((r) => `${r.toFixed(2)}×`).join(", ")}`);
  console.log(
    `  native / dynamic up, median           ${nativeSorted[Math.floor(nativeSorted.length / 2)]!.toFixed(2)}× (spread ${nativeSorted[0]!.toFixed(2)}–${nativeSorted.at(-1)!.toFixed(2)})`,
  );
  console.log(
    `  TCP connections to the API, all runs   ${connections} (for ${rows.reduce((n, [, , c]) => n + c, 0)} calls)`,
  );
} finally {
  await server.close();
  scratch.remove();
}
