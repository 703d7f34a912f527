// The native plugin (pulumi-resource-telephony) through the real Pulumi CLI, driving the same runtime
// as the dynamic resource: the declarations program with telephony:plugin native, the local API
// server over real HTTP.
import { afterEach, describe, expect, it } from "vitest";
import type { Configuration } from "../../src/client/index.js";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApi, TOKEN } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { FAULTS, stateIds, untilSuccess } from "../helpers/converge.js";
import { leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { throwawayStack } from "../helpers/pulumi.js";
import { SECRETS, telephonyStack, type TelephonyStack } from "../helpers/stack.js";

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const THREE = (twilio: { name?: string; meta?: string; key?: string } = {}) => `
configurations:
  twilio:
    name: ${twilio.name ?? "Twilio main"}
    provider: 3
    apiKey: \${env:${twilio.key ?? "TWILIO_API_KEY"}}
    apiSecret: \${secret:twilioApiSecret}
    baseUrl: https://api.twilio.com
    meta: { team: ${twilio.meta ?? "voice"} }
  livekit:
    name: LiveKit
    provider: 4
    sipUrl: sip:lk.example.com
  airtel:
    provider: 1
    active: false
`;

const types = async (stack: TelephonyStack) =>
  (JSON.parse((await stack.t.cli(["stack", "export"])).stdout).deployment.resources as Array<{ type: string }>).map(
    (r) => r.type,
  );

describe("the native plugin through the real Pulumi CLI", () => {
  it(
    "up, refresh of a change by hand, per-field diffs (secrets masked), rename, meta and secret changes, destroy",
    { timeout: 300_000 },
    async () => {
      s = await telephonyStack({ plugin: "native" });
      await s.declare(THREE());
      const up = await s.t.cli(["up", "--yes"]);
      expect(await types(s)).toContain("telephony:index:ProviderConfiguration");
      expect(await types(s)).not.toContain("pulumi-nodejs:dynamic/telephony:ProviderConfiguration");
      const live = await s.api.client.list();
      expect(live.map((c) => c.name).sort()).toEqual(["LiveKit", "Twilio main", "airtel"]);
      const twilio = live.find((c) => c.provider === 3)!;
      expect([twilio.api_key, twilio.api_secret]).toEqual([SECRETS.TWILIO_API_KEY, SECRETS.twilioApiSecret]);
      await s.t.cli(["preview", "--expect-no-changes"]);

      // By hand: a rename and a new key through the API.
      await s.api.client.update(twilio.id, { name: "renamed by hand", api_key: "hand-key-93c1" });
      // drift --stack knows the native resources by their state, as it knows the dynamic ones.
      const drift = await runCli(["drift", "telephony.yaml", "--stack", "test", "--json"], {
        cwd: s.project.dir,
        env: s.t.env,
      });
      expect(drift.code).toBe(2);
      expect(JSON.parse(drift.stdout).configurations.find((c: { key: string }) => c.key === "twilio")).toMatchObject({
        id: twilio.id,
        matchedBy: "state",
        status: "changed",
        changes: [{ field: "name", declared: "Twilio main", live: "renamed by hand" }],
      });
      const refreshed = await s.t.cli(["preview", "--refresh", "--diff"]);
      expect(refreshed.stdout).toMatch(/~ name\s*: "renamed by hand" => "Twilio main"/);
      expect(refreshed.stdout).toMatch(/~ apiKey\s*: \[secret\] => \[secret\]/);
      await s.t.cli(["up", "--refresh", "--yes"]);
      await s.t.cli(["preview", "--refresh", "--expect-no-changes"]);
      const fixed = await s.api.client.get(twilio.id);
      expect([fixed.name, fixed.api_key]).toEqual(["Twilio main", SECRETS.TWILIO_API_KEY]);

      // The three kinds of change, as preview --diff shows them.
      const diffs: string[] = [];
      for (const [label, change] of [
        ["a rename", { name: "Twilio primary" }],
        ["a meta change (replace)", { meta: "support" }],
        ["a secret change", { key: "LIVEKIT_API_KEY" }],
      ] as const) {
        await s.declare(THREE(change));
        const { stdout } = await s.t.cli(["preview", "--diff"]);
        diffs.push(
          `${label}:\n${stdout
            .split("\n")
            .filter((l) => /^\s*[~+-]|\+-|replace|update/.test(l))
            .join("\n")}`,
        );
        if (label === "a rename") expect(stdout).toMatch(/~ name\s*: "Twilio main" => "Twilio primary"/);
        if (label === "a meta change (replace)")
          expect(stdout).toMatch(/\+-telephony:index:ProviderConfiguration: \(replace\)[\s\S]*~ meta/);
        if (label === "a secret change") expect(stdout).toMatch(/~ apiKey\s*: \[secret\] => \[secret\]/);
      }
      console.log(`native preview --diff:\n${diffs.join("\n")}`);

      await s.declare(THREE({ meta: "support" }));
      await s.t.cli(["up", "--yes"]);
      const replaced = (await s.api.client.list()).find((c) => c.provider === 3)!;
      expect(replaced.id).not.toBe(twilio.id);
      // The replacement carries the secrets over, and the one replaced is gone.
      expect([replaced.api_key, replaced.api_secret]).toEqual([SECRETS.TWILIO_API_KEY, SECRETS.twilioApiSecret]);
      expect((await s.api.client.list()).map((c) => c.id)).not.toContain(twilio.id);

      const exported = (await s.t.cli(["stack", "export"])).stdout;
      expect(leaks(up.stdout + up.stderr + refreshed.stdout + diffs.join("") + exported, ["hand-key-93c1"])).toEqual(
        [],
      );
      // A declaration removed, with a refresh first (reconcile --apply does this): refresh diffs decide nothing.
      await s.declare(THREE({ meta: "support" }).replace(/\n {2}airtel:\n(?: {4}.*\n)*/, "\n"));
      await s.t.cli(["up", "--refresh", "--yes"]);
      expect((await s.api.client.list()).map((c) => c.provider).sort()).toEqual([3, 4]);
      await s.t.cli(["destroy", "--refresh", "--yes"]);
      expect(await s.api.client.list()).toEqual([]);
    },
  );

  it(
    "telephony:plugin switched to native by hand, without migrate: refused, nothing created or deleted",
    { timeout: 180_000 },
    async () => {
      s = await telephonyStack({ plugin: "native" });
      await s.stack.setConfig("telephony:plugin", { value: "dynamic" });
      await s.declare(THREE());
      await s.t.cli(["up", "--yes", "--skip-preview"]);
      const before = await s.api.client.list();
      await s.stack.setConfig("telephony:plugin", { value: "native" });
      // A changed declaration (all its secrets declared) too: nothing would tell its create from a replacement.
      await s.declare(THREE({ name: "Twilio switched" }));
      const mark = s.api.server.requests.length;
      const error = await s.t.cli(["up", "--yes", "--skip-preview", "--continue-on-error"]).then(
        () => undefined,
        (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
      );
      // Each native create meets the configuration its dynamic twin created and still holds.
      expect(error).toContain("written by its dynamic resource, which the stack's state may still hold");
      expect(error).toContain("telephony-config migrate --stack");
      expect(s.api.server.requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);
      expect(await s.api.client.list()).toEqual(before);
    },
  );

  it(
    "pulumi up --replace of a resource with deleteBeforeReplace (set in a program, not by this package): refused, nothing deleted",
    { timeout: 180_000 },
    async () => {
      const api = await startApi();
      const dir = mkdtempSync(join(tmpdir(), "telephony-dbr-"));
      symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
      writeFileSync(
        join(dir, "Pulumi.yaml"),
        `name: dbr\nruntime: { name: nodejs, options: { typescript: false } }\nmain: index.js\nplugins: { providers: [{ name: telephony, path: ${join(REPO, "plugin")} }] }\n`,
      );
      writeFileSync(
        join(dir, "index.js"),
        'const pulumi = require("@pulumi/pulumi");\n' +
          'new pulumi.CustomResource("telephony:index:ProviderConfiguration", "dbr", { name: "DBR", provider: 3, mark: undefined }, { deleteBeforeReplace: true });\n',
      );
      const t = await throwawayStack(dir);
      try {
        await t.stack.setAllConfig({
          "telephony:apiUrl": { value: api.server.url },
          "telephony:apiToken": { value: TOKEN, secret: true },
          "telephony:orgHandle": { value: "dev-org" },
          "telephony:productId": { value: "1" },
        });
        await t.cli(["up", "--yes", "--skip-preview"]);
        const [made] = await api.client.list();
        await api.client.update(made!.id, { api_secret: "live-secret-only-here" });
        const urn = "urn:pulumi:test::dbr::telephony:index:ProviderConfiguration::dbr";
        const failed = await t.cli(["up", "--yes", "--skip-preview", "--replace", urn]).then(
          () => "",
          (e: { stdout: string }) => e.stdout,
        );
        expect(failed).toContain("its replacement does not exist yet: it is not deleted first. Nothing was deleted.");
        expect((await api.client.list()).map((c) => [c.id, c.api_secret])).toEqual([
          [made!.id, "live-secret-only-here"],
        ]);
      } finally {
        await api.close();
        await t.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    "up, update and destroy of 30 configurations converge exactly once through lost answers, 502 pages, drops and 429s",
    { timeout: 900_000 },
    async () => {
      const count = 30;
      const declarations = (suffix: string) =>
        [
          "configurations:",
          ...Array.from({ length: count }, (_, i) =>
            [
              `  cfg-${i}:`,
              `    name: Config ${i}${suffix}`,
              `    provider: ${(i % 6) + 1}`,
              ...(i % 5 === 0 ? ["    apiKey: ${env:TWILIO_API_KEY}"] : []),
            ].join("\n"),
          ),
        ].join("\n");
      const exactly = async (suffix: string) => {
        const live: Configuration[] = await s!.api.client.list();
        const ids = await stateIds(s!);
        expect(live.map((c) => c.name).sort()).toEqual(
          Array.from({ length: count }, (_, i) => `Config ${i}${suffix}`).sort(),
        );
        for (const c of live) {
          const i = Number(/^Config (\d+)/.exec(c.name)![1]);
          expect(ids.get(`cfg-${i}`)).toBe(c.id);
          expect(c.api_key).toBe(i % 5 === 0 ? SECRETS.TWILIO_API_KEY : "");
        }
      };
      s = await telephonyStack({ plugin: "native" });
      const figures: string[] = [];
      // More answers lost than the dynamic test's 100 configurations meet, so that a create's is.
      const faults = { ...FAULTS, lost: 0.3 };
      const phase = async (label: string, args: string[]) => {
        s!.api.server.faults.rates = faults;
        const { runs, output } = await untilSuccess(s!, args);
        s!.api.server.faults.rates = {};
        const tookOver = new Set(output.match(/took over configuration \d+/g)).size;
        figures.push(`${label}: ${runs} runs, ${tookOver} creates taken over`);
        return tookOver;
      };
      await s.declare(declarations(""));
      // Lost answers to creates were recovered, not repeated, and said so through the engine.
      expect(await phase("up", ["up", "--yes", "--skip-preview"])).toBeGreaterThan(0);
      await exactly("");
      await s.t.cli(["preview", "--refresh", "--expect-no-changes"]);
      await s.declare(declarations(" v2"));
      await phase("update", ["up", "--yes", "--skip-preview"]);
      await exactly(" v2");
      await phase("destroy", ["destroy", "--yes", "--skip-preview"]);
      expect(await s.api.client.list()).toEqual([]);
      expect((await stateIds(s)).size).toBe(0);
      console.log(`native fault convergence (${JSON.stringify(faults)}):\n  ${figures.join("\n  ")}`);
    },
  );
});
