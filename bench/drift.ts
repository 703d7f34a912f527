// npm run bench:drift — `telephony-config drift` on 1,000 declared configurations against
// `pulumi preview --refresh` on the same stack, same local server, same run.
import { join } from "node:path";
import { root, Scratch } from "./scratch.js";
import { startServerThread } from "./server-thread.js";

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const scratch = new Scratch();
const server = await startServerThread();
try {
  const dir = scratch.telephonyProject(COUNT, server.url, "bench-token", "bench-org");
  const setup = scratch.pulumi(dir, ["up", "--yes", "--skip-preview"]);
  const cli = join(root, "bin/telephony-config.js");
  const apiEnv = { TELEPHONY_API_URL: server.url, TELEPHONY_API_TOKEN: "bench-token", TELEPHONY_ORG_HANDLE: "bench-org", TELEPHONY_PRODUCT_ID: "1" };

  const measure = async (run: () => number) => {
    const before = await server.ask<number>("requests");
    const seconds = run();
    return { seconds, requests: (await server.ask<number>("requests")) - before };
  };
  const drift = await measure(() => scratch.run(dir, process.execPath, [cli, "drift", "telephony"], apiEnv));
  const driftStack = await measure(() => scratch.run(dir, process.execPath, [cli, "drift", "telephony", "--stack", "bench"]));
  const refresh = await measure(() => scratch.pulumi(dir, ["preview", "--refresh", "--expect-no-changes"]));

  console.log(`bench:drift — ${COUNT} declared configurations on the local API server, one run (setup: pulumi up ${setup.toFixed(1)} s)`);
  console.log(`  telephony-config drift               ${drift.seconds.toFixed(2).padStart(7)} s  ${String(drift.requests).padStart(5)} API requests (goal: 1 request, <= 2 s)`);
  console.log(`  telephony-config drift --stack       ${driftStack.seconds.toFixed(2).padStart(7)} s  ${String(driftStack.requests).padStart(5)} API requests (reads the stack with 2 pulumi commands)`);
  console.log(`  pulumi preview --refresh             ${refresh.seconds.toFixed(2).padStart(7)} s  ${String(refresh.requests).padStart(5)} API requests`);
  console.log(`  ratio preview --refresh / drift      ${(refresh.seconds / drift.seconds).toFixed(1)}× (goal >= 20×); with --stack ${(refresh.seconds / driftStack.seconds).toFixed(1)}×`);
} finally {
  await server.close();
  scratch.remove();
}
