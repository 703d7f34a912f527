// npm run bench:stack — 200 declared configurations through the real Pulumi CLI, against the local
// API server, and the same `up` with a no-op dynamic provider as the engine's floor.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServerThread } from "./server-thread.js";

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
const root = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "telephony-bench-"));
mkdirSync(join(scratch, "backend"));
const env = {
  ...process.env,
  PULUMI_BACKEND_URL: `file://${join(scratch, "backend")}`,
  PULUMI_CONFIG_PASSPHRASE: "bench",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
};

function project(name: string, pulumiYaml: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  cpSync(join(root, "package.json"), join(dir, "package.json"));
  for (const linked of ["node_modules", "dist", "schemas"]) symlinkSync(join(root, linked), join(dir, linked));
  writeFileSync(join(dir, "Pulumi.yaml"), pulumiYaml);
  return dir;
}

function pulumi(dir: string, args: string[]): number {
  const started = performance.now();
  const result = spawnSync("pulumi", [...args, "--stack", "bench", "--non-interactive"], { cwd: dir, env, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return seconds;
}

const server = await startServerThread();
try {
  const real = project("real", "name: bench-real\nruntime: { name: nodejs, options: { typescript: false } }\nmain: dist/src/stack/index.js\n");
  const declarations = ["configurations:"];
  for (let i = 0; i < COUNT; i++) declarations.push(`  cfg-${i}:\n    name: Config ${i}\n    provider: ${(i % 6) + 1}\n    sipUrl: sip:cfg-${i}.example.com`);
  mkdirSync(join(real, "telephony"));
  writeFileSync(join(real, "telephony", "configurations.yaml"), `${declarations.join("\n")}\n`);
  pulumi(real, ["stack", "init"]);
  for (const [key, value] of [
    ["telephony:apiUrl", server.url],
    ["telephony:apiToken", "bench-token"],
    ["telephony:orgHandle", "bench-org"],
    ["telephony:productId", "1"],
  ] as const) {
    pulumi(real, ["config", "set", ...(key === "telephony:apiToken" ? ["--secret"] : []), key, value]);
  }

  const noop = project("noop", "name: bench-noop\nruntime: { name: nodejs, options: { typescript: false } }\nmain: dist/bench/noop-program.js\n");
  pulumi(noop, ["stack", "init"]);
  pulumi(noop, ["config", "set", "count", String(COUNT)]);

  const rows: Array<[string, number, number]> = [];
  const measure = async (label: string, dir: string, args: string[]) => {
    const before = await server.ask<number>("requests");
    const seconds = pulumi(dir, args);
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
  rmSync(scratch, { recursive: true, force: true });
}
