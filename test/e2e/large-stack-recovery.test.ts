// The large-stack mode's recovery when the next run is not the same command over the same
// declarations (a CI runner lost, the next pipeline on the next commit): `pulumi up --refresh`, as the
// CI examples and reconcile run it in the mode, converges. Found by a review that broke each of these.
import { afterEach, describe, expect, it } from "vitest";
import { markOf } from "../../src/model/index.js";
import { killedRun } from "../helpers/killed-run.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const COUNT = 40;
const KEYS = Array.from({ length: COUNT }, (_, i) => `cfg-${i}`);
const SKIP = { PULUMI_SKIP_CHECKPOINTS: "true" };
const UP = ["up", "--yes", "--skip-preview", "--refresh"];
const SECRETS = { apiKey: "large-key-7c1e", apiSecret: "large-secret-3f9a" };

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const declarations = (sip: string, { meta, secrets = true }: { meta?: string; secrets?: boolean } = {}) =>
  "configurations:\n" +
  KEYS.map(
    (key) =>
      `  ${key}:\n    name: Config ${key}\n    provider: 3\n    sipUrl: sip:${sip}-${key}@example.com\n` +
      (secrets ? "    apiKey: ${secret:apiKey}\n    apiSecret: ${secret:apiSecret}\n" : "") +
      (meta ? `    meta: { rev: "${meta}" }\n` : ""),
  ).join("\n");

async function largeStack(): Promise<TelephonyStack> {
  const stack = await telephonyStack();
  await stack.stack.setAllConfig({
    "telephony:largeStack": { value: "true" },
    apiKey: { value: SECRETS.apiKey, secret: true },
    apiSecret: { value: SECRETS.apiSecret, secret: true },
  });
  return stack;
}

/** `pulumi <args>` killed with SIGKILL after `at` requests of `method`, then the lock it left cancelled. */
async function killed(stack: TelephonyStack, args: string[], method: string, at: number): Promise<void> {
  stack.api.server.faults.latencyMs = 10;
  await killedRun({
    args: [...args, "--stack", "test"],
    cwd: stack.project.dir,
    env: { ...process.env, ...stack.t.env, ...SKIP },
    requests: stack.api.server.requests,
    counts: (r) => r.method === method,
    at,
  });
  stack.api.server.faults.latencyMs = 0;
  await stack.t.cli(["cancel", "--yes"]);
}

/** What is live, by key, and whether state and live agree (ids) after the recovery. */
async function converged(stack: TelephonyStack) {
  const live = stack.api.server.store.all();
  const state = JSON.parse((await stack.t.cli(["stack", "export"])).stdout).deployment.resources;
  const held = state
    .filter((r: { type: string }) => r.type.endsWith(":ProviderConfiguration"))
    .map((r: { id: string }) => Number(r.id))
    .sort((a: number, b: number) => a - b);
  return {
    live: live.length,
    keys: new Set(live.map((c) => markOf(c.meta_json)?.resource)).size,
    stateEqualsLive: JSON.stringify(held) === JSON.stringify(live.map((c) => c.id).sort((a, b) => a - b)),
  };
}

describe("the large-stack mode: recovery by the next up --refresh, whatever it declares", () => {
  it("a replacement carrying undeclared secrets, killed during its deletes: no duplicate, no secret lost", async () => {
    s = await largeStack();
    await s.declare(declarations("v1", { meta: "1" }));
    await s.t.cli(UP, SKIP);
    // The secrets leave the declaration (live, unmanaged) as meta changes: the replacement carries them over.
    await s.declare(declarations("v1", { meta: "2", secrets: false }));
    await killed(s, UP, "DELETE", COUNT / 2);
    const out = await s.t.cli(UP, SKIP);
    expect(await converged(s)).toEqual({ live: COUNT, keys: COUNT, stateEqualsLive: true });
    expect(
      s.api.server.store.all().filter((c) => c.api_key !== SECRETS.apiKey || c.api_secret !== SECRETS.apiSecret),
    ).toEqual([]);
    expect(`${out.stdout}${out.stderr}`).not.toContain(SECRETS.apiKey);
    await s.t.cli(["preview", "--refresh", "--expect-no-changes"], SKIP);
  });

  it("a create killed halfway, then every declaration changed: what the killed run made is taken over and updated, no duplicate", async () => {
    s = await largeStack();
    await s.declare(declarations("v1"));
    await killed(s, UP, "POST", COUNT / 2);
    const made = s.api.server.store.all().length;
    await s.declare(declarations("v2"));
    const out = await s.t.cli(UP, SKIP);
    expect(await converged(s)).toEqual({ live: COUNT, keys: COUNT, stateEqualsLive: true });
    expect(s.api.server.store.all().filter((c) => !c.sip_url?.startsWith("sip:v2-"))).toEqual([]);
    // Each said once in the progress and once among the diagnostics.
    const taken = `${out.stdout}${out.stderr}`.matchAll(
      /took over configuration (\d+) [^\n]*and updated it to the declaration; nothing was created twice/g,
    );
    expect(new Set([...taken].map((m) => m[1])).size).toBe(made);
  });

  it("a destroy killed halfway, then up --refresh: every declared configuration is live again", async () => {
    s = await largeStack();
    await s.declare(declarations("v1"));
    await s.t.cli(UP, SKIP);
    await killed(s, ["destroy", "--yes", "--skip-preview"], "DELETE", COUNT / 2);
    expect(s.api.server.store.all().length).toBeLessThan(COUNT);
    await s.t.cli(UP, SKIP);
    expect(await converged(s)).toEqual({ live: COUNT, keys: COUNT, stateEqualsLive: true });
  });

  it("an update killed halfway, then the declarations put back: up --refresh puts back what the killed run changed", async () => {
    s = await largeStack();
    await s.declare(declarations("v1"));
    await s.t.cli(UP, SKIP);
    await s.declare(declarations("v2"));
    await killed(s, UP, "PATCH", COUNT / 2);
    await s.declare(declarations("v1"));
    await s.t.cli(UP, SKIP);
    expect(await converged(s)).toEqual({ live: COUNT, keys: COUNT, stateEqualsLive: true });
    expect(s.api.server.store.all().filter((c) => !c.sip_url?.startsWith("sip:v1-"))).toEqual([]);
  });
});
