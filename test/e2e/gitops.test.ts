// drift --stack, adopt and reconcile with a real stack, through the real Pulumi CLI.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TOKEN } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { REPO } from "../helpers/project.js";
import { CLI } from "../helpers/serve.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const example = readFileSync(join(REPO, "examples/yaml/telephony.yaml"), "utf8");

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: s!.project.dir, env: { ...s!.t.env, ...extra } });

describe("GitOps commands on a real stack", () => {
  it("adopt, then pulumi up, takes over ten configurations made by hand with no change after", async () => {
    s = await telephonyStack();
    const made = [];
    for (let i = 0; i < 10; i++) {
      made.push(
        await s.api.client.create({
          name: `Hand Made ${i}`,
          provider: (i % 6) + 1,
          active: i % 3 !== 0,
          api_key: `hand-key-${i}-x9`,
          ...(i % 2 ? { api_secret: `hand-secret-${i}-y8`, base_url: `https://p${i}.example.com` } : { sip_url: `sip:p${i}.example.com` }),
          meta_json: i % 4 === 0 ? [{ meta_key: "team", meta_value: `t${i}` }] : [],
        }),
      );
    }
    const adopted = await cli(["adopt", "--out", join(s.project.dir, "telephony.yaml")], {
      TELEPHONY_API_URL: s.api.server.url,
      TELEPHONY_API_TOKEN: TOKEN,
      TELEPHONY_ORG_HANDLE: "dev-org",
      TELEPHONY_PRODUCT_ID: "1",
    });
    expect(adopted.code).toBe(0);
    // The variables adopt asks for, set to the configurations' secrets.
    const secrets: Record<string, string> = {};
    for (const c of made) {
      const prefix = c.name.toUpperCase().replaceAll(" ", "_");
      secrets[`${prefix}_API_KEY`] = c.api_key!;
      if (c.api_secret) secrets[`${prefix}_API_SECRET`] = c.api_secret;
    }
    expect(adopted.stderr).toContain(`set before pulumi up: ${Object.keys(secrets).join(" ")}`);

    const mark = s.api.server.requests.length;
    await s.t.cli(["up", "--yes", "--skip-preview"], secrets);
    expect(s.api.server.requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);
    expect((await s.api.client.list()).length).toBe(10);
    await s.t.cli(["preview", "--expect-no-changes"], secrets);
    await s.t.cli(["preview", "--refresh", "--expect-no-changes"], secrets);
    expect((await cli(["drift", "telephony.yaml", "--stack", "test"], secrets)).code).toBe(0);
  });

  it("drift --stack and reconcile: find a change made by hand, correct it with --apply", async () => {
    s = await telephonyStack();
    await s.declare(example);
    const up = await s.stack.up();
    const twilio = (up.outputs.configurations?.value as Record<string, { id: number }>)["twilio-support"]!.id;

    const clean = await cli(["drift", "telephony.yaml", "--stack", "test"]);
    expect(clean.stdout).toMatch(/In sync\. 3 declared: 3 in sync/);
    expect(clean.code).toBe(0);
    const inSync = await cli(["reconcile", "--stack", "test"]);
    expect(inSync.code).toBe(0);

    // By hand: a rename, and the name of another configuration taken, so that only the state id matches.
    await s.api.client.update(twilio, { name: "Airtel Backup" });
    const drifted = await cli(["drift", "telephony.yaml", "--stack", "test", "--json"]);
    expect(drifted.code).toBe(2);
    const report = JSON.parse(drifted.stdout);
    expect(report.configurations.find((c: { key: string }) => c.key === "twilio-support")).toMatchObject({
      id: twilio,
      matchedBy: "state",
      status: "changed",
      changes: [{ field: "name", declared: "Twilio Support", live: "Airtel Backup" }],
      secrets: { apiKey: "unchanged", apiSecret: "unchanged" },
    });

    const found = await cli(["reconcile", "--stack", "test"]);
    expect(found.code).toBe(2);
    expect(found.stdout).toContain('name: "Airtel Backup" (live) → "Twilio Support" (declared)');
    expect((await s.api.client.get(twilio)).name).toBe("Airtel Backup");

    const corrected = await cli(["reconcile", "--stack", "test", "--apply"]);
    expect(corrected.code).toBe(2);
    expect(corrected.stdout).toMatch(/applied: .*1 update/);
    expect((await s.api.client.get(twilio)).name).toBe("Twilio Support");
    expect((await cli(["reconcile", "--stack", "test", "--markdown"])).stdout).toMatch(/✅ in sync/);
    expect(await cli(["reconcile", "--stack", "no-such-stack"])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no-such-stack/) });
  });

  it("reconcile --interval runs passes until SIGTERM, then finishes the pass in flight and exits 0", async () => {
    s = await telephonyStack();
    await s.declare("configurations:\n  daily:\n    name: Daily\n    provider: 5\n");
    await s.stack.up();
    const child = spawn(process.execPath, [CLI, "reconcile", "--stack", "test", "--interval", "1s"], {
      cwd: s.project.dir,
      env: { ...process.env, ...s.t.env },
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    while ((stdout.match(/In sync\./g) ?? []).length < 2) await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(stdout.trimEnd()).toMatch(/stopped$/);
    // Passes never overlap: each "pass at" is followed by its report before the next one starts.
    const passes = stdout.split("pass at ").slice(1);
    for (const pass of passes.slice(0, -1)) expect(pass).toMatch(/In sync\./);
  });
});
