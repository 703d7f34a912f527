// migrate on a real stack: the dynamic resources moved to the native plugin through the real Pulumi
// CLI, without a request to the API; and refused, changing nothing, when a preview would write.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { REPO } from "../helpers/project.js";
import { telephonyStack, SECRETS, type TelephonyStack } from "../helpers/stack.js";

const DYNAMIC = "pulumi-nodejs:dynamic/telephony:ProviderConfiguration";
const NATIVE = "telephony:index:ProviderConfiguration";

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { cwd: s!.project.dir, env: { ...s!.t.env, ...extra } });

/** The copy's Pulumi.yaml finds the native plugin in the repo's plugin/ directory. */
function findPlugin(stack: TelephonyStack): void {
  const file = join(stack.project.dir, "Pulumi.yaml");
  if (!readFileSync(file, "utf8").includes("\nplugins:"))
    appendFileSync(file, `plugins:\n  providers:\n    - name: telephony\n      path: ${join(REPO, "plugin")}\n`);
}

interface Resource {
  urn: string;
  type: string;
  id?: string;
  provider?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}
const exported = async (secrets = false): Promise<string> =>
  (await s!.t.cli(["stack", "export", ...(secrets ? ["--show-secrets"] : [])])).stdout;
const resources = async (): Promise<Resource[]> =>
  (JSON.parse(await exported()) as { deployment: { resources: Resource[] } }).deployment.resources;
const configurations = async () => (await resources()).filter((r) => r.type === DYNAMIC || r.type === NATIVE);
const config = async () => (await s!.t.cli(["config", "--json", "--show-secrets"])).stdout;

/** Three declarations: secrets from the environment and the stack's config, meta, and an adoption. */
const declarations = (adoptId: number, livekitName = "LiveKit EU") => `configurations:
  twilio:
    name: Twilio Main
    provider: 3
    apiKey: \${env:TWILIO_API_KEY}
    apiSecret: \${secret:twilioApiSecret}
  livekit:
    name: ${livekitName}
    provider: 4
    meta:
      region: eu
      tier: gold
  airtel:
    name: Airtel Existing
    provider: 1
    import: ${adoptId}
`;

async function dynamicStack(): Promise<Map<string, string>> {
  s = await telephonyStack();
  const existing = await s.api.client.create({ name: "Airtel Existing", provider: 1, sip_url: "sip:a.example.com" });
  await s.declare(declarations(existing.id));
  const up = await s.stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 4 });
  const ids = new Map((await configurations()).map((r) => [r.urn.split("::").pop()!, r.id!]));
  expect([...ids.keys()].sort()).toEqual(["airtel", "livekit", "twilio"]);
  expect((await configurations()).every((r) => r.type === DYNAMIC)).toBe(true);
  return ids;
}

describe("migrate", () => {
  it("moves a stack's configurations to the native plugin with no request to the API; up, refresh and destroy go on through it", async () => {
    const ids = await dynamicStack();
    findPlugin(s!);

    // Without --yes: the plan, nothing changed.
    const stateBefore = await exported();
    const configBefore = await config();
    const dry = await cli(["migrate", "--stack", "test"]);
    expect(dry.code, dry.stderr).toBe(0);
    for (const key of ids.keys())
      expect(dry.stdout).toMatch(new RegExp(`  ${key} +configuration ${ids.get(key)}  ${DYNAMIC} → ${NATIVE}`));
    expect(dry.stdout).toContain("nothing changed");
    expect(await exported()).toBe(stateBefore);
    expect(await config()).toBe(configBefore);

    const mark = s!.api.server.requests.length;
    const moved = await cli(["migrate", "--stack", "test", "--yes"]);
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    expect(moved.stdout).toContain(
      "moved 3 configuration(s), ids unchanged; pulumi preview --expect-no-changes: no changes",
    );
    expect(moved.stdout + moved.stderr).not.toContain(SECRETS.twilioApiSecret);
    expect(s!.api.server.requests.slice(mark)).toEqual([]);

    const providerWithSecrets = async () => {
      const state = JSON.parse(await exported(true)) as { deployment: { resources: Resource[] } };
      const { inputs, outputs } = state.deployment.resources.find((r) => r.type === "pulumi:providers:telephony")!;
      return { inputs, outputs };
    };
    const providerMigrated = await providerWithSecrets();
    expect(providerMigrated.inputs).toMatchObject({ plugin: "native", version: "0.1.0", __internal: {} });

    // The state the engine would have written for a native stack: same ids, no module, no owner.
    const after = await resources();
    const provider = after.find((r) => r.type === "pulumi:providers:telephony")!;
    expect(provider.urn).toBe("urn:pulumi:test::telephony-config::pulumi:providers:telephony::default_0_1_0");
    expect(after.some((r) => r.type === "pulumi:providers:pulumi-nodejs")).toBe(false);
    const native = after.filter((r) => r.type === NATIVE);
    expect(new Map(native.map((r) => [r.urn.split("::").pop()!, r.id!]))).toEqual(ids);
    for (const r of native) {
      expect(r.urn).toBe(`urn:pulumi:test::telephony-config::${NATIVE}::${r.urn.split("::").pop()}`);
      expect(r.provider).toBe(`${provider.urn}::${provider.id}`);
      expect(Object.keys(r.inputs!)).not.toContain("__provider");
      expect(Object.keys(r.inputs!)).not.toContain("owner");
      expect(Object.keys(r.outputs!)).not.toContain("__provider");
    }
    expect(await s!.stack.getConfig("telephony:plugin")).toEqual({ value: "native", secret: false });

    // The proof, again: the same declarations through the native plugin write nothing, and send nothing.
    await s!.t.cli(["preview", "--expect-no-changes"]);
    expect(s!.api.server.requests.slice(mark)).toEqual([]);

    // A changed declaration goes through the native plugin: one PATCH of the same configuration.
    await s!.declare(declarations(Number(ids.get("airtel")), "LiveKit Europe"));
    const up = await s!.stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 3, update: 1 });
    const writes = s!.api.server.requests.slice(mark).filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${r.path} ${r.bodyKeys?.join(",")}`)).toEqual([
      `PATCH /api/v2/platform/telephony/providers-configurations/${ids.get("livekit")}/ name`,
    ]);
    const updated = await resources();
    expect(
      updated
        .filter((r) => r.type === NATIVE)
        .map((r) => r.id)
        .sort(),
    ).toEqual([...ids.values()].sort());
    expect(updated.filter((r) => r.type === DYNAMIC)).toEqual([]);
    // The provider migrate added is the engine's own: kept, and its inputs not rewritten by the up (the
    // engine rewrites a default provider's state silently, where a preview shows nothing).
    expect(updated.find((r) => r.type === "pulumi:providers:telephony")).toMatchObject({
      urn: provider.urn,
      id: provider.id,
    });
    expect(await providerWithSecrets()).toEqual(providerMigrated);
    expect((await s!.api.client.get(Number(ids.get("livekit")))).name).toBe("LiveKit Europe");

    const refreshed = await s!.stack.refresh();
    expect(refreshed.summary.resourceChanges).toEqual({ same: 4 });
    await s!.t.cli(["preview", "--expect-no-changes"]);

    const destroyed = await s!.stack.destroy();
    expect(destroyed.summary.resourceChanges).toEqual({ delete: 4 });
    expect(await s!.api.client.list()).toEqual([]);
  });

  it("is refused, changing nothing, when the plugin cannot be found or a preview would write", async () => {
    await dynamicStack();
    const stateBefore = await exported(true);
    const configBefore = await config();
    const stackFile = join(s!.project.dir, "Pulumi.test.yaml");
    const stackFileBefore = readFileSync(stackFile, "utf8");
    const mark = s!.api.server.requests.length;

    // No plugins entry in Pulumi.yaml, an empty plugin cache: what to add is said.
    const home = mkdtempSync(join(tmpdir(), "telephony-pulumi-home-"));
    try {
      const unfound = await cli(["migrate", "--stack", "test", "--yes"], { PULUMI_HOME: home });
      expect(unfound.code, unfound.stderr).toBe(2);
      expect(unfound.stdout).toContain("refused, nothing changed:");
      expect(unfound.stdout).toContain("      - name: telephony\n          path: node_modules/telephony-config/plugin");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    expect(await exported(true)).toBe(stateBefore);

    // The declarations were edited before migrate: the native preview would update livekit.
    findPlugin(s!);
    const existing = (await configurations()).find((r) => r.urn.endsWith("::airtel"))!;
    await s!.declare(declarations(Number(existing.id), "LiveKit Renamed"));
    const refused = await cli(["migrate", "--stack", "test", "--yes"]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stdout).toContain(
      "pulumi preview --expect-no-changes did not pass; the state and config are as they were",
    );
    expect(refused.stdout).toContain(
      `preview would update urn:pulumi:test::telephony-config::${NATIVE}::livekit (name)`,
    );

    expect(s!.api.server.requests.slice(mark)).toEqual([]);
    // Put back: the same state (its secrets encrypted anew), the same config, the same stack file.
    expect(await exported(true)).toBe(stateBefore);
    expect(await config()).toBe(configBefore);
    expect(readFileSync(stackFile, "utf8")).toBe(stackFileBefore);
    expect((await configurations()).every((r) => r.type === DYNAMIC)).toBe(true);
  });
});
