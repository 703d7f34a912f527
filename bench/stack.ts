// npm run bench:stack — 200 declared configurations through the real Pulumi CLI, against the local
// API server, and the same `up` with a no-op dynamic provider as the engine's floor.
import { Scratch } from "./scratch.js";
import { startServerThread } from "./server-thread.js";

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const scratch = new Scratch();
const server = await startServerThread();
try {
  const real = scratch.telephonyProject(COUNT, server.url, "bench-token", "bench-org");
  const noop = scratch.project("noop", "name: bench-noop\nruntime: { name: nodejs, options: { typescript: false } }\nmain: dist/bench/noop-program.js\n");
  scratch.pulumi(noop, ["stack", "init"]);
  scratch.pulumi(noop, ["config", "set", "count", String(COUNT)]);

  const rows: Array<[string, number, number]> = [];
  const measure = async (label: string, dir: string, args: string[]) => {
    const before = await server.ask<number>("requests");
    const seconds = scratch.pulumi(dir, args);
    rows.push([label, seconds, (await server.ask<number>("requests")) - before]);
    return seconds;
  };
  const up = await measure("pulumi up (create)", real, ["up", "--yes", "--skip-preview"]);
  await measure("pulumi preview (no changes)", real, ["preview", "--expect-no-changes"]);
  await measure("pulumi preview --refresh", real, ["preview", "--refresh", "--expect-no-changes"]);
  await measure("pulumi destroy", real, ["destroy", "--yes", "--skip-preview"]);
  const floor = await measure("pulumi up, no-op dynamic provider", noop, ["up", "--yes", "--skip-preview"]);
  const connections = await server.ask<number>("connections");

  console.log(`bench:stack — ${COUNT} declared configurations, real Pulumi CLI, local API server, one run`);
  for (const [label, seconds, calls] of rows) console.log(`  ${label.padEnd(36)} ${seconds.toFixed(2).padStart(7)} s  ${String(calls).padStart(5)} API calls`);
  console.log(`  up / engine floor                    ${(up / floor).toFixed(2)}× (goal <= 1.20)`);
  console.log(`  TCP connections to the API, all runs ${connections} (for ${rows.reduce((n, [, , c]) => n + c, 0)} calls)`);
} finally {
  await server.close();
  scratch.remove();
}
