// validate, drift and adopt as a user runs them, against the local API server over loopback.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { apiEnv, scratch, TWO_DECLARATIONS } from "../helpers/cli-api.js";
import { CLI } from "../helpers/serve.js";
import { markEntry } from "../../src/model/ownership.js";

const { dir, file } = scratch("gitops-cli-");
const declarations = file("telephony.yaml", TWO_DECLARATIONS);

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("telephony-config validate", () => {
  it("exit 0 for valid declarations, warnings included", async () => {
    const result = await runCli(["validate", declarations]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toBe(
      "warning: 1 ${env:…} reference to a variable without a value here (TWILIO_KEY): set it where pulumi up runs\n" +
        "valid: 2 configurations, 1 warning\n",
    );
    const strict = await runCli(["validate", "--strict", declarations]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /^error: 1 \$\{env:…\} reference .*\ninvalid: 1 error \(--strict: warnings are errors\)\n$/,
    );
  });

  it("exit 1 for invalid ones, every problem with its place", async () => {
    const bad = file(
      "bad.yaml",
      "configurations:\n  a:\n    provider: 3\n    apiKey: literal-secret\n    baseUrl: ftp://x\n",
    );
    const result = await runCli(["validate", bad]);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n").filter((l) => l.includes(": error: "))).toEqual([
      `${bad}:4:13: error: configurations.a.apiKey: must be a secret reference such as \${env:NAME} or \${secret:KEY}, not a literal value`,
      `${bad}:5:14: error: configurations.a.baseUrl: must be an http:// or https:// URL`,
    ]);
  });

  it("--json for machines", async () => {
    const result = await runCli(["validate", "--json", declarations], { env: { TWILIO_KEY: "set" } });
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      strict: false,
      configurations: 2,
      problems: [],
      unresolved: [],
    });
  });

  it("exit 1 for a missing path, and --help with an example", async () => {
    expect((await runCli(["validate", join(dir, "nope.yaml")])).code).toBe(1);
    const help = await runCli(["validate", "--help"]);
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toMatch(/Example:\n {2}telephony-config validate/);
  });
});

describe("telephony-config drift", () => {
  it("exit 0 in sync, with one list request", async () => {
    api = await startApi();
    await api.client.create({ name: "Twilio", provider: 3, sip_url: "sip:a.example.com", api_key: "live-key-1" });
    await api.client.create({ name: "Jio", provider: 2 });
    const mark = api.server.requests.length;
    const result = await runCli(["drift", declarations], { env: apiEnv(api, { TWILIO_KEY: "live-key-1" }) });
    expect(result.stdout).toContain("In sync. 2 declared: 2 in sync, 0 changed, 0 missing; 0 removed; 0 unmanaged");
    expect(result.code).toBe(0);
    expect(api.server.requests.slice(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/v2/platform/telephony/providers-configurations/",
    ]);
  });

  it("exit 2 on drift: changed field by field, secrets by status only, missing and unmanaged", async () => {
    api = await startApi();
    await api.client.create({ name: "Twilio", provider: 3, sip_url: "sip:b.example.com", api_key: "live-key-2" });
    await api.client.create({ name: "Vapi", provider: 6 });
    const result = await runCli(["drift", declarations], { env: apiEnv(api, { TWILIO_KEY: "declared-key" }) });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('sipUrl: "sip:b.example.com" (live) → "sip:a.example.com" (declared)');
    expect(result.stdout).toContain("apiKey: changed (secret)");
    expect(result.stdout).toMatch(/missing {2}jio/);
    expect(result.stdout).toMatch(/unmanaged #2 "Vapi"/);
    expect(result.stdout).not.toMatch(/live-key-2|declared-key/);
  });

  it("--json has the documented shape; --markdown renders a summary", async () => {
    api = await startApi();
    await api.client.create({ name: "Twilio", provider: 3 });
    const json = await runCli(["drift", "--json", declarations], { env: apiEnv(api) });
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      version: 4,
      inSync: false,
      summary: {
        declared: 2,
        declaredInCode: 0,
        inSync: 0,
        changed: 1,
        replaces: 0,
        missing: 1,
        removed: 0,
        unmanaged: 0,
        managedElsewhere: 0,
      },
      managedElsewhere: [],
    });
    expect(report.configurations[0]).toMatchObject({
      key: "twilio",
      id: 1,
      matchedBy: "name",
      status: "changed",
      secrets: { apiKey: "not-compared", apiSecret: "not-declared" },
    });
    const md = await runCli(["drift", "--markdown", declarations], { env: apiEnv(api) });
    expect(md.stdout).toMatch(/^### Telephony configurations: ⚠️ drift/);
  });

  it("without --stack, leaves what a stack created to that stack: never matched by name, not unmanaged, not drift", async () => {
    api = await startApi();
    await api.client.create({ name: "Twilio", provider: 3, sip_url: "sip:a.example.com", api_key: "live-key-3" });
    const owned = { meta_json: [markEntry({ stack: "voice/prod", resource: "jio", create: "n1" })] };
    await api.client.create({ name: "Jio", provider: 2, ...owned });
    await api.client.create({ name: "Other", provider: 6, ...owned });
    const env = apiEnv(api, { TWILIO_KEY: "live-key-3" });
    const result = await runCli(["drift", declarations], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      `missing  jio (${declarations}:7): no live configuration matches (configuration 2 with this name is managed by resource "jio" of stack voice/prod (compare with \`drift --stack\`))`,
    );
    expect(result.stdout).toContain("2 configurations managed by stack voice/prod (not drift)");
    expect(result.stdout).not.toContain("unmanaged #");
    const report = JSON.parse((await runCli(["drift", "--json", declarations], { env })).stdout);
    expect(report).toMatchObject({
      summary: { unmanaged: 0, managedElsewhere: 2 },
      managedElsewhere: [{ id: 2, stack: "voice/prod", resource: "jio" }, { id: 3 }],
    });
  });

  it("shows a progress line on a terminal when it takes over a second, and none on a pipe", async () => {
    api = await startApi({ faults: { latencyMs: 1300 } });
    const env = apiEnv(api);
    const piped = await runCli(["drift", declarations], { env });
    expect(piped.stderr).toBe("");
    // script(1) gives the command a pseudo-terminal.
    const command = [process.execPath, CLI, "drift", declarations].map((a) => `'${a}'`).join(" ");
    const onTerminal = await new Promise<string>((resolve) => {
      execFile("script", ["-qec", command, "/dev/null"], { env: { ...process.env, ...env } }, (_error, stdout) =>
        resolve(stdout),
      );
    });
    expect(onTerminal).toContain("comparing with the live configurations…");
    expect(onTerminal).toContain("\x1b[31mmissing\x1b[0m");
    const noColor = await new Promise<string>((resolve) => {
      execFile(
        "script",
        ["-qec", command, "/dev/null"],
        { env: { ...process.env, ...env, NO_COLOR: "1" } },
        (_error, stdout) => resolve(stdout),
      );
    });
    expect(noColor).not.toContain("\x1b[31m");
    expect(noColor).toContain("missing  twilio");
  }, 30_000);

  it("exit 1 on errors: a wrong token, missing settings, invalid declarations", async () => {
    api = await startApi();
    const wrong = await runCli(["drift", declarations], {
      env: apiEnv(api, { TELEPHONY_API_TOKEN: "wrong-token-abc" }),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/401 Unauthorized — Invalid token/);
    expect(wrong.stderr).not.toContain("wrong-token-abc");
    const unset = await runCli(["drift", declarations]);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/set telephony:apiUrl \(or TELEPHONY_API_URL\)/);
    const invalid = await runCli(["drift", file("invalid.yaml", "configurations:\n  a: {}\n")], { env: apiEnv(api) });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/invalid\.yaml:2:6: configurations\.a: missing required field provider/);
  });
});

describe("every command", () => {
  it.each(["serve", "validate", "drift", "adopt", "reconcile"])(
    "%s --help shows usage, exit codes where it has them, and an example",
    async (command) => {
      const result = await runCli([command, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: telephony-config ${command}`));
      expect(result.stdout).toMatch(/\nExample:\n {2}telephony-config /);
      if (command !== "serve") expect(result.stdout).toMatch(/Exit codes/);
    },
  );

  it("rejects an unknown command and a missing argument with exit 1", async () => {
    expect(await runCli(["frobnicate"])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown command "frobnicate"/),
    });
    expect(await runCli(["reconcile"])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/reconcile needs --stack/),
    });
    expect(await runCli(["reconcile", "--stack", "s", "--interval", "soon"])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--interval soon/),
    });
  });
});

describe("telephony-config adopt", () => {
  it("writes declarations with import ids and secret references, and refuses to overwrite", async () => {
    api = await startApi();
    await api.client.create({
      name: "Twilio Support",
      provider: 3,
      api_key: "adopt-key-value",
      api_secret: "adopt-secret-value",
    });
    const out = join(dir, "adopted.yaml");
    const first = await runCli(["adopt", "--out", out], { env: apiEnv(api) });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("set before pulumi up: TWILIO_SUPPORT_API_KEY TWILIO_SUPPORT_API_SECRET");
    const written = readFileSync(out, "utf8");
    expect(written).toContain("import: 1");
    expect(written).toContain("apiKey: ${env:TWILIO_SUPPORT_API_KEY}");
    expect(written + first.stdout + first.stderr).not.toMatch(/adopt-key-value|adopt-secret-value/);

    const again = await runCli(["adopt", "--out", out], { env: apiEnv(api) });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists; pass --force/);
    expect((await runCli(["adopt", "--out", out, "--force"], { env: apiEnv(api) })).code).toBe(0);
    // The same declarations on stdout; the $schema line resolves from where each is read.
    const stdout = await runCli(["adopt"], { env: apiEnv(api) });
    const body = (yaml: string) => yaml.slice(yaml.indexOf("\n"));
    expect(body(stdout.stdout)).toBe(body(written));
    expect(written).toMatch(
      /^# yaml-language-server: \$schema=node_modules\/telephony-config\/schemas\/provider-configurations\.schema\.json\n/,
    );
    expect(stdout.stdout).toMatch(/^# yaml-language-server: \$schema=schemas\/provider-configurations\.schema\.json\n/);
    expect(existsSync(out)).toBe(true);
  });

  it("--stack reads the API settings from the stack's config, secrets included, the environment filling in", async () => {
    api = await startApi();
    await api.client.create({ name: "Jio Trunk", provider: 2 });
    // A stand-in for the Pulumi CLI: records how it is asked and answers as `pulumi config --json` does.
    const project = mkdtempSync(join(tmpdir(), "adopt-stack-"));
    writeFileSync(join(project, "Pulumi.yaml"), "name: voice\nruntime: nodejs\n");
    const bin = join(project, "bin");
    mkdirSync(bin);
    const config = {
      "telephony:apiUrl": { value: api.server.url, secret: false },
      "telephony:apiToken": { value: TOKEN, secret: true },
      "telephony:orgHandle": { value: "dev-org", secret: false },
    };
    writeFileSync(join(project, "config.json"), JSON.stringify(config));
    writeFileSync(
      join(bin, "pulumi"),
      `#!/bin/sh\nprintf '%s\\n' "$PWD $*" >> "${project}/calls"\ncat "${project}/config.json"\n`,
    );
    chmodSync(join(bin, "pulumi"), 0o755);
    const sub = join(project, "telephony");
    mkdirSync(sub);
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      // The stack's settings come first: a token in the environment does not replace the stack's.
      TELEPHONY_API_TOKEN: "not-the-stack-token",
      TELEPHONY_PRODUCT_ID: "1",
    };
    const result = await runCli(["adopt", "--stack", "acme/voice/prod"], { cwd: sub, env });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("import: 1");
    // The stack's config and its state, as drift --stack reads them, from the project's directory.
    expect(readFileSync(join(project, "calls"), "utf8").split("\n").sort()).toEqual([
      "",
      `${project} config --json --show-secrets --stack acme/voice/prod`,
      `${project} stack export --stack acme/voice/prod`,
      `${project} stack history --json --page-size 50 --stack acme/voice/prod`,
    ]);

    delete (config as Record<string, unknown>)["telephony:orgHandle"];
    writeFileSync(join(project, "config.json"), JSON.stringify(config));
    const unset = await runCli(["adopt", "--stack", "prod"], { cwd: sub, env });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/set telephony:orgHandle \(or TELEPHONY_ORG_HANDLE\)/);

    const outside = await runCli(["adopt", "--stack", "prod"], { cwd: tmpdir(), env });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/no Pulumi\.yaml in .* or above it: --stack runs in a Pulumi project/);
  });
});
