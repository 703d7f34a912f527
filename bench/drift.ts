// npm run bench:drift — `telephony-config drift --stack` and one `reconcile` pass
// on 1,000 declared configurations, in sync, against `pulumi preview --refresh` on the same stack and
// local server. The commands alternate over a few rounds; medians and their spread are printed.
import { join } from "node:path";
import { root, Scratch } from "./scratch.js";
import { startServerThread } from "./server-thread.js";

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const scratch = new Scratch();
const server = await startServerThread();
try {
  const dir = scratch.telephonyProject(COUNT, server.url, "bench-token", "bench-org");
  const setup = scratch.pulumi(dir, ["up", "--yes", "--skip-preview"]);
  const cli = join(root, "bin/telephony-config.js");

  // Each command must exit 0 (in sync): Scratch.run throws otherwise.
  const commands: Record<string, () => number> = {
    "telephony-config drift --stack": () =>
      scratch.run(dir, process.execPath, [cli, "drift", "telephony", "--stack", "bench"]),
    "telephony-config reconcile (one pass)": () =>
      scratch.run(dir, process.execPath, [cli, "reconcile", "--stack", "bench"]),
    "pulumi preview --refresh": () => scratch.pulumi(dir, ["preview", "--refresh", "--expect-no-changes"]),
  };
  const seconds: Record<string, number[]> = {};
  const requests: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const names = Object.keys(commands);
    // Rotate the order each round, so that a slow phase of the machine does not always hit one command.
    for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      const before = await server.ask<number>("requests");
      (seconds[name] ??= []).push(commands[name]!());
      (requests[name] ??= []).push((await server.ask<number>("requests")) - before);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  const refresh = median(seconds["pulumi preview --refresh"]!);

  console.log(
    `bench:drift — ${COUNT} declared configurations in sync, local API server, ${ROUNDS} rounds (setup: pulumi up ${setup.toFixed(1)} s)`,
  );
  for (const name of Object.keys(commands)) {
    const s = seconds[name]!;
    const ratio = name.startsWith("pulumi") ? "" : `  preview --refresh / this: ${(refresh / median(s)).toFixed(1)}×`;
    console.log(
      `  ${name.padEnd(40)} median ${median(s).toFixed(2).padStart(6)} s (${spread(s)})  ${String(median(requests[name]!)).padStart(5)} API requests${ratio}`,
    );
  }
  console.log("  goals: drift --stack and a reconcile pass each 1 request and <= 3 s");
} finally {
  await server.close();
  scratch.remove();
}
