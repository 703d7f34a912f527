// The drift CronJob of the committed Kubernetes overlay, run as its container would run it: the command
// and arguments read from the manifest (the built CLI in place of npx), in a real stack's project,
// against the local API server, with exactly the environment the manifest names, filled with this
// test's values. The manifest's own values (the API's address, the backend) point elsewhere; its
// secrets come from Kubernetes Secrets, which the test stands in for.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { TOKEN } from "../helpers/api.js";
import { leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { CLI } from "../helpers/serve.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const OVERLAY = join(REPO, "deploy/kubernetes/overlays/example/drift-cronjobs.yaml");

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  workingDir?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
}
interface CronJob {
  kind: string;
  metadata: { name: string };
  spec: { jobTemplate: { spec: { template: { spec: { containers: Container[] } } } } };
}

const cronJobs = parseAllDocuments(readFileSync(OVERLAY, "utf8"))
  .map((doc) => doc.toJS() as CronJob | null)
  .filter((doc): doc is CronJob => doc?.kind === "CronJob");
const mainContainer = (job: CronJob) => {
  const containers = job.spec.jobTemplate.spec.template.spec.containers;
  expect(containers, job.metadata.name).toHaveLength(1);
  return containers[0]!;
};
/** Where npm ci in the checkout puts the CLI the container runs. */
const INSTALLED_CLI = "node_modules/telephony-config/bin/telephony-config.js";
const stackOf = (container: Container) => container.args![container.args!.indexOf("--stack") + 1]!;

describe("the overlay's drift CronJobs", () => {
  it("run `telephony-config drift --stack <its stack> --summary` with node as the container's process, secrets from Secrets only", () => {
    expect(cronJobs.length).toBeGreaterThan(1);
    for (const job of cronJobs) {
      const container = mainContainer(job);
      // node itself, so that a SIGTERM reaches the CLI (npx as the container's process would swallow it),
      // running the checkout's own telephony-config.
      expect(container.command, job.metadata.name).toEqual(["node", INSTALLED_CLI]);
      expect(container.args, job.metadata.name).toEqual(["drift", "--stack", stackOf(container), "--summary"]);
      expect(job.metadata.name).toBe(`${stackOf(container)}-drift`);
      const env = new Map((container.env ?? []).map((v) => [v.name, v]));
      for (const secret of ["PULUMI_CONFIG_PASSPHRASE", "TELEPHONY_API_TOKEN"]) {
        expect(env.get(secret)?.valueFrom?.secretKeyRef, `${job.metadata.name}: ${secret}`).toBeDefined();
        expect(env.get(secret)?.value, `${job.metadata.name}: ${secret}`).toBeUndefined();
      }
    }
  });
});

describe("the first drift CronJob's command, run against the local API server", () => {
  const job = cronJobs[0]!;
  const container = mainContainer(job);
  const stackName = stackOf(container);
  const passphrase = "cronjob-passphrase-5d21c8";
  let s: TelephonyStack;
  let home: string;

  beforeAll(async () => {
    s = await telephonyStack({ stackName, env: { PULUMI_CONFIG_PASSPHRASE: passphrase } });
    s.declare(readFileSync(join(REPO, "examples/yaml/telephony.yaml"), "utf8"));
    await s.stack.up();
    // The Stack resource sets these inline and the CronJob gives them as TELEPHONY_* variables: the
    // stack repository's own config need not hold them (productId and the declarations it does).
    await s.stack.removeAllConfig(["telephony:apiUrl", "telephony:apiToken", "telephony:orgHandle"]);
    home = mkdtempSync(join(tmpdir(), "cronjob-home-"));
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The test's value for each variable the manifest names: a name it does not know fails the test. */
  function environment(overrides: Record<string, string> = {}): Record<string, string> {
    const ours: Record<string, string> = {
      HOME: home,
      PULUMI_BACKEND_URL: `file://${s.t.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      TELEPHONY_API_TOKEN: TOKEN,
      TELEPHONY_API_URL: s.api.server.url,
      TELEPHONY_ORG_HANDLE: "dev-org",
      ...overrides,
    };
    // What the workspace image provides: node and pulumi on PATH, Pulumi's own switches.
    const env: Record<string, string> = { PATH: process.env.PATH! };
    for (const name of ["PULUMI_SKIP_UPDATE_CHECK", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"])
      if (process.env[name]) env[name] = process.env[name];
    for (const variable of container.env ?? []) {
      // A plain value that is no address here (the rate share) is the manifest's own.
      const value = ours[variable.name] ?? (variable.name === "TELEPHONY_MAX_RPS" ? variable.value : undefined);
      expect(value, `the manifest names ${variable.name}: give it a value here`).toBeDefined();
      env[variable.name] = value!;
    }
    return env;
  }

  /** The container's command, this repository's CLI in place of the checkout's installed copy. */
  function run(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    const argv = [...container.command!.slice(1).map((arg) => (arg === INSTALLED_CLI ? CLI : arg)), ...container.args!];
    return new Promise((resolve) => {
      execFile(process.execPath, argv, { cwd: s.project.dir, env }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  /** stdout is one line of JSON, what a log collector gets. */
  function line(stdout: string): Record<string, unknown> {
    expect(stdout).toMatch(/^\{[^\n]*\}\n$/);
    const parsed = JSON.parse(stdout) as Record<string, unknown>;
    expect(Date.now() - Date.parse(parsed.time as string)).toBeLessThan(120_000);
    return parsed;
  }

  const outputs: string[] = [];

  it("exit 0 and an in_sync line when the organization matches the stack", async () => {
    const env = environment();
    expect(env.TELEPHONY_MAX_RPS).toMatch(/^\d+(\.\d+)?$/);
    const result = await run(env);
    outputs.push(result.stdout, result.stderr);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(line(result.stdout)).toMatchObject({
      kind: "telephony-config/drift",
      stack: stackName,
      status: "in_sync",
      exitCode: 0,
      counts: { inSync: 3, changed: 0, missing: 0, removed: 0, unmanaged: 0 },
    });
  });

  it("exit 2 and a drift line naming the key after a change by hand", async () => {
    const twilio = (await s.api.client.list()).find((c) => c.name === "Twilio Support")!;
    await s.api.client.update(twilio.id, { name: "Twilio Support (by hand)" });
    const result = await run(environment());
    outputs.push(result.stdout, result.stderr);
    expect(result.code).toBe(2);
    expect(line(result.stdout)).toMatchObject({
      stack: stackName,
      status: "drift",
      exitCode: 2,
      counts: { inSync: 2, changed: 1 },
      drifted: { changed: ["twilio-support"], missing: [], removed: [], unmanaged: [] },
    });
    expect(result.stdout).not.toContain("by hand");
    await s.api.client.update(twilio.id, { name: "Twilio Support" });
  });

  it.each([
    ["a wrong API token", { TELEPHONY_API_TOKEN: "wrong-token-7e0b44" }, /401 Unauthorized/],
    ["a wrong passphrase", { PULUMI_CONFIG_PASSPHRASE: "wrong-passphrase-93ac1" }, /passphrase|decrypt/i],
  ])("exit 1 and an error line with %s; the message on stderr too", async (_case, overrides, message) => {
    const result = await run(environment(overrides));
    outputs.push(result.stdout, result.stderr);
    expect(result.code).toBe(1);
    const parsed = line(result.stdout);
    expect(parsed).toMatchObject({
      stack: stackName,
      status: "error",
      exitCode: 1,
      error: expect.stringMatching(message),
    });
    expect(result.stderr).toContain(`telephony-config: ${(parsed.error as string).split("\n")[0]}`);
  });

  it("no secret in any output", () => {
    expect(outputs.length).toBe(8);
    expect(leaks(outputs.join("\n"), [passphrase, "wrong-token-7e0b44", "wrong-passphrase-93ac1"])).toEqual([]);
  });
});
