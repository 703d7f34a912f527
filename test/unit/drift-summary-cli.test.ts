// drift --summary and drift-summary as a CronJob or a CI job runs them: the built CLI, the local API
// server over loopback, files on disk.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_LINE_BYTES } from "../../src/gitops/drift-summary.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { apiEnv, scratch, TWO_DECLARATIONS } from "../helpers/cli-api.js";
import { CLI } from "../helpers/serve.js";

const { dir, file } = scratch("drift-summary-cli-");
const declarations = file("telephony.yaml", TWO_DECLARATIONS);

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** stdout is exactly one line of JSON: what a log collector gets. */
function oneLine(stdout: string): Record<string, unknown> {
  expect(stdout).toMatch(/^\{[^\n]*\}\n$/);
  return JSON.parse(stdout);
}

describe("telephony-config drift --summary", () => {
  it("exit 0 and an in_sync line; exit 2 and a drift line naming keys, not values", async () => {
    api = await startApi();
    await api.client.create({ name: "Twilio", provider: 3, sip_url: "sip:a.example.com", api_key: "live-key-1" });
    await api.client.create({ name: "Jio", provider: 2 });
    const clean = await runCli(["drift", declarations, "--summary"], {
      env: apiEnv(api, { TWILIO_KEY: "live-key-1" }),
    });
    expect(clean.code).toBe(0);
    expect(oneLine(clean.stdout)).toEqual({
      kind: "telephony-config/drift",
      version: 1,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      stack: null,
      status: "in_sync",
      exitCode: 0,
      counts: { inSync: 2, changed: 0, missing: 0, removed: 0, unmanaged: 0 },
      drifted: { changed: [], missing: [], removed: [], unmanaged: [] },
      omitted: 0,
    });
    expect(clean.stderr).toBe("");

    await api.client.update(1, { sip_url: "sip:by-hand.example.com" });
    await api.client.create({ name: "Vapi", provider: 6, api_key: "vapi-key-3" });
    const drifted = await runCli(["drift", "--summary", declarations], {
      env: apiEnv(api, { TWILIO_KEY: "declared-key-2" }),
    });
    expect(drifted.code).toBe(2);
    expect(oneLine(drifted.stdout)).toMatchObject({
      status: "drift",
      exitCode: 2,
      counts: { inSync: 1, changed: 1, missing: 0, removed: 0, unmanaged: 1 },
      drifted: { changed: ["twilio"], missing: [], removed: [], unmanaged: [{ id: 3, name: "Vapi" }] },
    });
    expect(drifted.stdout).not.toMatch(/sip:|live-key|declared-key|vapi-key/);
  });

  it("on an error, an error line on stdout and the message on stderr, exit 1, no secret", async () => {
    api = await startApi();
    const wrong = await runCli(["drift", declarations, "--summary"], {
      env: apiEnv(api, { TELEPHONY_API_TOKEN: "wrong-token-abc" }),
    });
    expect(wrong.code).toBe(1);
    const line = oneLine(wrong.stdout);
    expect(line).toMatchObject({
      status: "error",
      exitCode: 1,
      stack: null,
      error: expect.stringMatching(/401 Unauthorized — Invalid token/),
    });
    // The entry point says the same on stderr, as for every error.
    expect(wrong.stderr).toBe(`telephony-config: ${line.error as string}\n`);
    expect(wrong.stdout + wrong.stderr).not.toContain("wrong-token-abc");

    const down = await runCli(["drift", declarations, "--summary"], {
      env: { ...apiEnv(api), TELEPHONY_API_URL: "http://127.0.0.1:9/" },
    });
    expect(down.code).toBe(1);
    expect(oneLine(down.stdout)).toMatchObject({ status: "error", error: expect.stringContaining("127.0.0.1:9") });
    expect(down.stdout + down.stderr).not.toContain(TOKEN);
  });

  it.each([
    {
      args: ["--stack", "no-such-stack", "--summary"],
      stack: "no-such-stack",
      error: /^no Pulumi\.yaml in .* or above it: --stack runs in a Pulumi project$/,
    },
    { args: [declarations, "--summary"], stack: null, error: /set telephony:apiUrl \(or TELEPHONY_API_URL\)/ },
    {
      args: [file("invalid.yaml", "configurations:\n  a: {}\n"), "--summary"],
      stack: null,
      error: /^invalid declarations:\n {2}.*invalid\.yaml:2:6: configurations\.a: missing required field provider$/,
    },
    { args: ["--summary", "--json", declarations], stack: null, error: /^--json and --summary exclude each other$/ },
    { args: ["--summary"], stack: null, error: /^drift needs a file or directory, or --stack$/ },
    {
      args: ["--summary", "--stack=prod", "--markdown"],
      stack: "prod",
      error: /^--markdown and --summary exclude each other$/,
    },
    { args: ["--stack", "prod", "--summary", "--stak", "x"], stack: "prod", error: /^Unknown option '--stak'$/ },
    // The parser takes the last --stack: so does the error's line.
    {
      args: ["--stack", "prod", "--summary", "--stack=staging", "--stak"],
      stack: "staging",
      error: /^Unknown option '--stak'$/,
    },
    // Refused by the parser, but asked for: the refusal has its line too.
    { args: ["--summary=yes", declarations], stack: null, error: /^Option '--summary' does not take an argument$/ },
    // A stack name longer than the line itself (nothing has checked it yet): cut, and the line still ends.
    {
      args: ["--stack", "s".repeat(9000), "--summary", "--stak"],
      stack: /^s{2000,}…$/,
      error: /^Unknown option '--stak'$/,
    },
  ])("an error line for $args, and exit 1", async ({ args, stack, error }) => {
    const result = await runCli(["drift", ...args], { cwd: dir });
    expect(result.code).toBe(1);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(MAX_LINE_BYTES + 1);
    expect(oneLine(result.stdout)).toMatchObject({
      status: "error",
      exitCode: 1,
      stack: stack instanceof RegExp ? expect.stringMatching(stack) : stack,
      error: expect.stringMatching(error),
    });
    expect(result.stderr).not.toBe("");
  });

  it("stopped by SIGTERM (a CronJob's deadline) while the API has not answered: the error line, exit 1", async () => {
    // An API that accepts the connection and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const child = spawn(process.execPath, [CLI, "drift", declarations, "--summary"], {
      env: {
        ...process.env,
        TELEPHONY_API_URL: `http://127.0.0.1:${port}`,
        TELEPHONY_API_TOKEN: TOKEN,
        TELEPHONY_ORG_HANDLE: "dev-org",
        TELEPHONY_PRODUCT_ID: "1",
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => silent.once("connection", resolve));
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.once("close", resolve));
    silent.closeAllConnections();
    silent.close();
    expect(code).toBe(1);
    expect(oneLine(stdout)).toMatchObject({
      status: "error",
      exitCode: 1,
      stack: null,
      error: "stopped by SIGTERM before the comparison ended (a deadline, or the job deleted)",
    });
    expect(stderr).toContain("telephony-config: stopped by SIGTERM");
    expect(stdout + stderr).not.toContain(TOKEN);
  });

  it("without --summary, an error prints nothing on stdout, as before", async () => {
    const result = await runCli(["drift", declarations]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
  });

  it("drift --help names --summary", async () => {
    expect((await runCli(["drift", "--help"])).stdout).toMatch(/--summary {9}print one line of JSON/);
  });
});

describe("telephony-config drift-summary", () => {
  // An hour ago: lines dated ahead of the clock are refused.
  const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const line = (stack: string, status: "in_sync" | "drift" | "error", time = anHourAgo) =>
    JSON.stringify({
      kind: "telephony-config/drift",
      version: 1,
      time,
      stack,
      status,
      exitCode: { in_sync: 0, drift: 2, error: 1 }[status],
      ...(status === "error"
        ? { error: "401 Unauthorized — Invalid token" }
        : {
            counts: { inSync: 2, changed: status === "drift" ? 1 : 0, missing: 0, removed: 0, unmanaged: 0 },
            drifted: { changed: status === "drift" ? ["twilio"] : [], missing: [], removed: [], unmanaged: [] },
            omitted: 0,
          }),
    }) + "\n";
  const eu = file("drift-eu.json", line("eu", "in_sync"));
  const us = file("drift-us.json", line("us", "drift"));
  const bad = file("drift-bad.json", line("bad", "error"));
  const yesterday = file("drift-log.txt", line("eu", "in_sync", new Date(Date.now() - 25 * 3_600_000).toISOString()));

  it.each([
    { args: ["--stacks", "eu", eu], code: 0, out: /^STACK.*\neu {2}.*in_sync.*\nIn sync\. 1 stack: 1 in sync/ },
    { args: ["--stacks", "eu,us", eu, us], code: 2, out: /\nus {2}.*drift.*changed: twilio\nDrift\. 2 stacks/ },
    { args: ["--stacks", "eu us", "--stacks", "bad", eu, us, bad], code: 1, out: /bad .*error .*401 Unauthorized/ },
    {
      args: ["--stacks", "eu,us,staging", eu, us, join(dir, "drift-staging.json")],
      code: 1,
      out: /\nstaging +no report .*\nunreadable: .*drift-staging\.json: no such file\nFailed\. 3 stacks: 1 in sync, 1 drift, 1 failed/,
    },
    { args: ["--stacks", "eu", "--max-age", "26h", eu], code: 0, out: /\nIn sync\. 1 stack/ },
    {
      args: ["--stacks", "eu", "--max-age", "24h", yesterday],
      code: 1,
      out: /\neu +stale .*its newest line \(in_sync\) is from .*, older than --max-age/,
    },
    {
      args: ["--stacks", "eu", "--markdown", eu],
      code: 0,
      out: /^### Telephony configurations across stacks: ✅ in sync\n/,
    },
  ])("$args: exit $code", async ({ args, code, out }) => {
    const result = await runCli(["drift-summary", ...args]);
    expect(result.stdout).toMatch(out);
    expect(result.code).toBe(code);
  });

  it.each([
    [["drift-summary", "x.json"], /drift-summary needs --stacks, the stacks expected/],
    [["drift-summary", "--stacks", "eu"], /drift-summary needs the files to read/],
    [["drift-summary", "--stacks", "eu", "--max-age", "1w", "x.json"], /--max-age must be a duration such as 26h/],
    [["drift-summary", "--stack", "eu", "x.json"], /unknown option --stack \(did you mean --stacks\?\)/],
    [["drift-sumary"], /unknown command "drift-sumary" \(did you mean drift-summary\?\)/],
  ])("%j: exit 1, said on stderr", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it("--help: usage, exit codes and an example; listed in the commands", async () => {
    const help = await runCli(["drift-summary", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: telephony-config drift-summary --stacks/);
    expect(help.stdout).toMatch(/Exit codes: 0 every stack in sync, 2 drift/);
    expect(help.stdout).toMatch(/\nExample:\n {2}telephony-config drift-summary /);
    expect((await runCli(["--help"])).stdout).toContain("drift-summary  one table of drift across stacks");
  });
});
