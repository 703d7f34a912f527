// telephony-config plugin install through the real Pulumi CLI: the plugin lands in Pulumi's plugin cache
// (a temporary PULUMI_HOME), and a Pulumi project with no plugins: entry, in another language than the
// package's own programs, finds the provider telephony there and drives the local API server with it.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { pluginInstallPlan, packageRoot, packageVersion } from "../../src/gitops/plugin.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { collect, leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { throwawayStack, type ThrowawayStack } from "../helpers/pulumi.js";
import { SECRETS } from "../helpers/stack.js";

const run = promisify(execFile);

const PROGRAM = `// Registers the native resource by its type token, as a program of any language would.
const pulumi = require("@pulumi/pulumi");
const config = new pulumi.Config();
const configuration = new pulumi.CustomResource(
  "telephony:index:ProviderConfiguration",
  "x",
  { name: "A", provider: 3, sipUrl: "sip:a.example.com", apiKey: config.requireSecret("apiKey"), meta: { team: "cache" } },
  { version: "${packageVersion}" },
);
exports.id = configuration.id;
`;

describe("telephony-config plugin install", () => {
  const home = mkdtempSync(join(tmpdir(), "pulumi-home-"));
  const project = mkdtempSync(join(tmpdir(), "telephony-plugin-project-"));
  // Nothing is downloaded: the provider comes from the cache or not at all.
  const env = { PULUMI_HOME: home, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" };
  let api: Api | undefined;
  let t: ThrowawayStack | undefined;
  afterAll(async () => {
    await api?.close();
    await t?.dispose();
    for (const dir of [home, project]) rmSync(dir, { recursive: true, force: true });
  });

  it("installs into PULUMI_HOME's plugin cache, where pulumi plugin ls lists it; again, it is left as it is", async () => {
    const installed = await runCli(["plugin", "install"], { env });
    expect(installed.stderr).toBe("");
    expect(installed.code).toBe(0);
    const plan = pluginInstallPlan({
      version: packageVersion,
      node: process.execPath,
      packageRoot,
      pulumiHome: home,
      reinstall: false,
    });
    expect(plan.pluginDir).toBe(join(home, "plugins", `resource-telephony-v${packageVersion}`));
    expect(installed.stdout).toContain(`Installed the Pulumi plugin telephony ${packageVersion} in ${plan.pluginDir}:`);
    expect(installed.stdout).toContain(`pulumi-resource-telephony runs ${plan.target.entry} with ${process.execPath}`);

    const { stdout } = await run("pulumi", ["plugin", "ls", "--output", "json"], {
      env: { ...process.env, ...env },
    });
    expect(JSON.parse(stdout)).toContainEqual(
      expect.objectContaining({ name: "telephony", kind: "resource", version: packageVersion }),
    );

    const again = await runCli(["plugin", "install"], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`The Pulumi plugin telephony ${packageVersion} is installed already`);
  });

  it("a Node.js project without plugins: in its Pulumi.yaml finds it there: up and destroy against the API", async () => {
    writeFileSync(join(project, "Pulumi.yaml"), "name: plugin-cache\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(project, "package.json"), '{ "name": "plugin-cache", "private": true, "main": "index.js" }\n');
    writeFileSync(join(project, "index.js"), PROGRAM);
    symlinkSync(join(REPO, "node_modules"), join(project, "node_modules"));

    api = await startApi({ tokens: { [TOKEN]: ["dev-org"] } });
    t = await throwawayStack(project, env);
    await t.stack.setAllConfig({
      "telephony:apiUrl": { value: api.server.url },
      "telephony:apiToken": { value: TOKEN, secret: true },
      "telephony:orgHandle": { value: "dev-org" },
      "telephony:productId": { value: "1" },
      apiKey: { value: SECRETS.TWILIO_API_KEY, secret: true },
    });
    const out = collect();
    const up = await t.stack.up({ onOutput: out.onOutput });
    expect(up.summary.result).toBe("succeeded");
    const [live, ...others] = await api.client.list();
    expect(others).toEqual([]);
    expect(live).toMatchObject({
      name: "A",
      provider: 3,
      sip_url: "sip:a.example.com",
      api_key: SECRETS.TWILIO_API_KEY,
    });
    expect(up.outputs.id?.value).toBe(String(live!.id));

    const state = JSON.parse((await t.cli(["stack", "export"])).stdout) as {
      deployment: { resources: Array<{ type: string; urn: string; inputs?: { version?: string } }> };
    };
    const types = state.deployment.resources.map((r) => r.type);
    expect(types).toContain("telephony:index:ProviderConfiguration");
    expect(state.deployment.resources.find((r) => r.type === "pulumi:providers:telephony")?.inputs?.version).toBe(
      packageVersion,
    );

    await t.stack.preview({ expectNoChanges: true, onOutput: out.onOutput });
    await t.stack.destroy({ onOutput: out.onOutput });
    expect(await api.client.list()).toEqual([]);
    expect(leaks(out.text() + JSON.stringify(state))).toEqual([]);
  });

  it("without the install, the same project finds no provider telephony (so the cache is what it used)", async () => {
    const empty = mkdtempSync(join(tmpdir(), "pulumi-home-"));
    try {
      const failed = await t!.cli(["preview"], { PULUMI_HOME: empty }).then(
        () => undefined,
        (error: { stdout?: string; stderr?: string }) => `${error.stdout}${error.stderr}`,
      );
      expect(failed).toContain(
        `no resource plugin 'pulumi-resource-telephony' found in the workspace at version v${packageVersion}`,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
