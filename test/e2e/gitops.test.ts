// drift --stack, adopt and reconcile with a real stack, through the real Pulumi CLI.
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TOKEN } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { CLI } from "../helpers/serve.js";
import { markEntry } from "../../src/model/index.js";
import { programWithCode as programWith } from "../helpers/program-with-code.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

const example = readFileSync(join(REPO, "examples/yaml/telephony.yaml"), "utf8");

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { cwd: s!.project.dir, env: { ...s!.t.env, ...extra } });

/** The CLI on a pseudo-terminal (script(1)): stdout and stderr together, as a user sees them. */
const onTerminal = (args: string[]) =>
  new Promise<string>((resolve) => {
    const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(" ");
    execFile(
      "script",
      ["-qec", command, "/dev/null"],
      { cwd: s!.project.dir, env: { ...process.env, ...s!.t.env, NO_COLOR: "1" } },
      (_error, stdout) => resolve(stdout),
    );
  });

const programWithCode = (yaml: string) => programWith(s!.project.dir, yaml);

describe("GitOps commands on a real stack", () => {
  it("adopt, then pulumi up, adopts ten configurations made by hand with no change after", async () => {
    s = await telephonyStack();
    const made = [];
    for (let i = 0; i < 10; i++) {
      made.push(
        await s.api.client.create({
          name: `Hand Made ${i}`,
          provider: (i % 6) + 1,
          active: i % 3 !== 0,
          api_key: `hand-key-${i}-x9`,
          ...(i % 2
            ? { api_secret: `hand-secret-${i}-y8`, base_url: `https://p${i}.example.com` }
            : { sip_url: `sip:p${i}.example.com` }),
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

    // Another stack of the project manages a configuration in the same organization: not this one's drift.
    const staging = await s.api.client.create({
      name: "Twilio Support",
      provider: 3,
      meta_json: [markEntry({ stack: "telephony-config/staging", resource: "twilio-support", create: "n1" })],
    });
    const clean = await cli(["drift", "telephony.yaml", "--stack", "test"]);
    expect(clean.stdout).toMatch(/In sync\. 3 declared: 3 in sync, .*; 0 unmanaged; 1 managed elsewhere/);
    expect(clean.stdout).toContain("1 configuration managed by stack telephony-config/staging (not drift)");
    expect(clean.code).toBe(0);
    const inSync = await cli(["reconcile", "--stack", "test", "--json"]);
    expect(inSync.code).toBe(0);
    expect(JSON.parse(inSync.stdout).managedElsewhere).toEqual([
      {
        id: staging.id,
        name: "Twilio Support",
        provider: 3,
        stack: "telephony-config/staging",
        resource: "twilio-support",
      },
    ]);

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
    expect(await cli(["reconcile", "--stack", "no-such-stack"])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no-such-stack/),
    });
  });

  it("removed, unmanaged and not-yet-created declarations are drift; a pass without --apply writes nothing and costs one request", async () => {
    s = await telephonyStack();
    const two = "configurations:\n  keep:\n    name: Keep\n    provider: 3\n  drop:\n    name: Drop\n    provider: 4\n";
    await s.declare(two);
    await s.stack.up();
    const history = async () => JSON.parse((await s!.t.cli(["stack", "history", "--json"])).stdout).length;
    const updates = await history();

    // In sync: one pass, one request, and no new entry in the stack's history.
    const mark = s.api.server.requests.length;
    expect((await cli(["reconcile", "--stack", "test"])).code).toBe(0);
    expect(s.api.server.requests.slice(mark)).toEqual([
      { method: "GET", path: "/api/v2/platform/telephony/providers-configurations/", status: 200 },
    ]);

    // A declaration removed from the repository: `up` would delete it.
    await s.declare("configurations:\n  keep:\n    name: Keep\n    provider: 3\n");
    const removed = await cli(["drift", "telephony.yaml", "--stack", "test", "--json"]);
    expect(removed.code).toBe(2);
    expect(JSON.parse(removed.stdout)).toMatchObject({
      inSync: false,
      removed: [{ key: "drop", name: "Drop", live: true }],
      summary: { removed: 1 },
    });

    // A new declaration not in the stack yet, named like a configuration made by hand: missing, with a hint.
    const hand = await s.api.client.create({ name: "By Hand", provider: 6 });
    await s.declare(
      "configurations:\n  keep:\n    name: Keep\n    provider: 3\n  new:\n    name: By Hand\n    provider: 6\n",
    );
    const missing = await cli(["drift", "telephony.yaml", "--stack", "test"]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain(
      `missing  new (telephony.yaml:5): no live configuration matches (a configuration with this name exists: adopt it with \`import: ${hand.id}\`)`,
    );
    expect(missing.stdout).toMatch(/removed {2}drop #\d+ "Drop"/);

    // Report-only passes wrote nothing.
    expect((await cli(["reconcile", "--stack", "test"])).code).toBe(2);
    expect(await history()).toBe(updates);

    // Unmanaged: drift unless left out or ignored.
    await s.declare(two);
    const unmanaged = await cli(["drift", "telephony.yaml", "--stack", "test"]);
    expect(unmanaged.code).toBe(2);
    expect(unmanaged.stdout).toContain(
      `unmanaged #${hand.id} "By Hand" (provider 6): neither declared nor in the stack`,
    );
    expect((await cli(["drift", "telephony.yaml", "--stack", "test", "--only-managed"])).code).toBe(0);
    expect((await cli(["drift", "telephony.yaml", "--stack", "test", "--ignore", "By Hand"])).code).toBe(0);

    // --apply converges what up can change: the removed declaration is deleted.
    await s.declare("configurations:\n  keep:\n    name: Keep\n    provider: 3\n");
    const applied = await cli(["reconcile", "--stack", "test", "--apply", "--ignore", String(hand.id)]);
    expect(applied.code).toBe(2);
    expect(applied.stdout).toMatch(/applied: .*1 delete/);
    expect((await s.api.client.list()).map((c) => c.name).sort()).toEqual(["By Hand", "Keep"]);
    expect((await cli(["reconcile", "--stack", "test", "--ignore", String(hand.id)])).code).toBe(0);
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

  it("drift --stack knows what the program declares in code: compared through the state, never removed; a replacement said as one; reconcile --apply shows each step", async () => {
    s = await telephonyStack();
    await s.stack.setConfig("telephony:declarations", { value: "telephony" });
    const yaml = (team: string, extra = "") =>
      `configurations:\n  twilio-support:\n    name: Twilio Support\n    provider: 3\n    meta: { team: ${team} }\n${extra}`;
    programWithCode(yaml("a", "  jio:\n    name: Jio\n    provider: 2\n"));
    await s.stack.up();
    // Created at once: which got which id is the engine's order.
    const id = Object.fromEntries((await s.api.client.list()).map((c) => [c.name, c.id]));

    const clean = await cli(["drift", "--stack", "test"]);
    expect(clean.stdout).toBe(
      [
        `in sync  twilio-support #${id["Twilio Support"]}`,
        `in sync  jio #${id.Jio}`,
        `in sync  code-made #${id["Code Made"]} (declared in code)`,
        "note: secrets not compared for code-made, declared in code (the stack's state holds them encrypted)",
        "In sync. 3 declared (1 in code): 3 in sync, 0 changed, 0 missing; 0 removed; 0 unmanaged",
        "",
      ].join("\n"),
    );
    expect(clean.code).toBe(0);

    // By hand, the code's configuration renamed; in the files, a meta changed (up replaces it) and jio removed.
    await s.api.client.update(id["Code Made"]!, { name: "Code Made (by hand)" });
    programWithCode(yaml("b"));
    const drifted = await cli(["drift", "--stack", "test"]);
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toBe(
      [
        `changed  twilio-support #${id["Twilio Support"]} (telephony/main.yaml:2), matched by state`,
        "           `pulumi up` replaces it (provider and meta cannot change in place)",
        '           meta: {"team":"a"} (live) → {"team":"b"} (declared)',
        `changed  code-made #${id["Code Made"]} (declared in code), compared with what its last update declared`,
        '           name: "Code Made (by hand)" (live) → "Code Made" (declared)',
        `removed  jio #${id.Jio} "Jio": in the stack, no longer declared: \`pulumi up\` deletes it`,
        "note: secrets not compared for code-made, declared in code (the stack's state holds them encrypted)",
        "Drift. 2 declared (1 in code): 0 in sync, 2 changed (up replaces 1), 0 missing; 1 removed; 0 unmanaged",
        "",
      ].join("\n"),
    );
    const report = JSON.parse((await cli(["drift", "--stack", "test", "--json"])).stdout);
    expect(report).toMatchObject({
      version: 4,
      summary: { declared: 2, declaredInCode: 1, changed: 2, replaces: 1, removed: 1 },
      configurations: [
        { key: "twilio-support", declaredIn: "yaml", file: "telephony/main.yaml", status: "changed", replaces: true },
        {
          key: "code-made",
          declaredIn: "code",
          file: null,
          line: null,
          status: "changed",
          replaces: false,
          secrets: { apiKey: "not-declared", apiSecret: "not-compared" },
        },
      ],
      removed: [{ key: "jio" }],
    });

    // What up does, step by step on a terminal; then nothing left to do, the code's resource included.
    const applied = await onTerminal(["reconcile", "--stack", "test", "--apply", "--markdown"]);
    for (const line of ["updated code-made", "deleted jio", "replaced twilio-support"]) expect(applied).toContain(line);
    expect(applied).toMatch(/pulumi up: replacing twilio-support \(creating the new configuration\)…/);
    // In Markdown, what up did is a paragraph of its own, after a blank line.
    expect(applied).toMatch(/\r?\n\r?\napplied: 1 delete \(jio\), 1 replace \(twilio-support\), 1 same, 1 update\r?\n/);
    expect((await cli(["drift", "--stack", "test"])).code).toBe(0);
    expect(leaks(applied + drifted.stdout + JSON.stringify(report))).toEqual([]);
  });

  it("adopt --stack reads the stack's settings and state: what the stack holds is left out, the rest adopted by up with no change", async () => {
    s = await telephonyStack();
    await s.declare("configurations:\n  twilio-support:\n    name: Twilio Support\n    provider: 3\n");
    await s.stack.up();
    const hand = await s.api.client.create({ name: "Hand Made", provider: 6, api_key: "hand-key-5e1" });
    await s.api.client.create({
      name: "Staging Twilio",
      provider: 3,
      meta_json: [markEntry({ stack: "telephony-config/staging", resource: "twilio-support", create: "n1" })],
    });
    // No TELEPHONY_* variable: the stack's own config reaches the API.
    const adopted = await cli(["adopt", "--stack", "test", "--out", "adopted.yaml"]);
    expect(adopted.code).toBe(0);
    expect(adopted.stderr).toBe(
      [
        "telephony-config: left out 1 configuration stack test has already (its state or its declarations hold them):",
        '  #1 "Twilio Support" as twilio-support',
        "telephony-config: left out 1 configuration a stack created and manages (its ownership mark):",
        '  #3 "Staging Twilio": it is managed by resource "twilio-support" of stack "telephony-config/staging", which created it',
        "wrote 1 configuration to adopted.yaml",
        "set before pulumi up: HAND_MADE_API_KEY",
        "",
      ].join("\n"),
    );
    const written = readFileSync(join(s.project.dir, "adopted.yaml"), "utf8");
    expect(written).toContain(`import: ${hand.id}`);
    expect(written).not.toContain("import: 1\n");

    await s.stack.setConfig("telephony:declarations", { value: '["telephony.yaml","adopted.yaml"]' });
    const mark = s.api.server.requests.length;
    await s.t.cli(["up", "--yes", "--skip-preview"], { HAND_MADE_API_KEY: "hand-key-5e1" });
    expect(s.api.server.requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);
    expect((await cli(["drift", "--stack", "test"], { HAND_MADE_API_KEY: "hand-key-5e1" })).code).toBe(0);
    // Adopted now: adopt --stack leaves it out too.
    const again = await cli(["adopt", "--stack", "test"]);
    expect(again.stderr).toMatch(/left out 2 configurations stack test has already/);
    expect(again.stdout).toMatch(/configurations: \{\}/);
  });
});
