import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { TelephonyClient } from "../../src/client/index.js";
import { CLI, spawnServe, type ServeProcess } from "../helpers/serve.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "telephony-serve-"));
const running: ServeProcess[] = [];
const clients: TelephonyClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(running.splice(0).map((s) => s.stop("SIGKILL")));
});

async function serve(args: string[] = [], env: Record<string, string> = {}) {
  const s = await spawnServe(args, env);
  running.push(s);
  const client = new TelephonyClient({ baseUrl: s.url, token: "dev-token", orgHandle: "dev-org", productId: 1 });
  clients.push(client);
  return { ...s, client };
}

describe("telephony-config serve", () => {
  it("prints its URL first and serves the contract with dev-token and dev-org", async () => {
    const s = await serve();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await s.client.create({ name: "LiveKit", provider: 4 });
    expect(await s.client.get(created.id)).toEqual(created);
  });

  it("keeps acknowledged writes across kill -9 with --data", async () => {
    const data = join(dir, "durable.jsonl");
    const first = await serve(["--data", data]);
    const a = await first.client.create({ name: "Airtel", provider: 1, api_key: "k-1" });
    const b = await first.client.create({ name: "Jio", provider: 2 });
    await first.client.update(a.id, { name: "Airtel Main" });
    await first.client.delete(b.id);
    expect(await first.stop("SIGKILL")).toBeNull();

    const second = await serve(["--data", data]);
    expect(await second.client.list()).toEqual([{ ...a, name: "Airtel Main" }]);
    // Ids are never reused, even for a configuration deleted before the restart.
    expect((await second.client.create({ name: "Twilio", provider: 3 })).id).toBe(3);
  });

  it("keeps nothing without --data", async () => {
    const first = await serve();
    await first.client.create({ name: "Airtel", provider: 1 });
    await first.stop("SIGKILL");
    expect(await (await serve()).client.list()).toEqual([]);
  });

  it("accepts --token and --org, and writes a request log", async () => {
    const log = join(dir, "requests.jsonl");
    const s = await serve(["--token", "t-42", "--org", "acme", "--request-log", log]);
    const client = new TelephonyClient({ baseUrl: s.url, token: "t-42", orgHandle: "acme" });
    clients.push(client);
    await client.create({ name: "Vapi", provider: 6 });
    await expect(s.client.list()).rejects.toMatchObject({ status: 401 });
    const lines = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.method} ${l.status}`)).toEqual(["POST 201", "GET 401"]);
  });

  it("--fault gateway carries the request out, then answers a proxy's 502 page", async () => {
    const data = join(dir, "gateway.jsonl");
    const faulty = await serve(["--data", data, "--fault", "gateway=1"]);
    const answer = await fetch(`${faulty.url}/api/v2/platform/telephony/providers-configurations/`, {
      method: "POST",
      headers: { authorization: "Token dev-token", "org-handle": "dev-org", "content-type": "application/json" },
      body: JSON.stringify({ name: "Vapi", provider: 6 }),
    });
    expect(answer.status).toBe(502);
    expect(await answer.text()).toContain("<h1>502 Bad Gateway</h1>");
    await faulty.stop();
    expect((await (await serve(["--data", data])).client.list()).map((c) => c.name)).toEqual(["Vapi"]);
  });

  it("takes the token from a file or TELEPHONY_API_TOKEN; --token still works, with a warning", async () => {
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "file-token-77\n");
    const cases: Array<[string[], Record<string, string>, string, boolean]> = [
      [["--token-file", tokenFile], {}, "file-token-77", false],
      [[], { TELEPHONY_API_TOKEN: "env-token-88" }, "env-token-88", false],
      [["--token", "flag-token-99"], {}, "flag-token-99", true],
      [[], {}, "dev-token", false],
    ];
    for (const [args, env, token, warns] of cases) {
      const s = await serve(args, env);
      const client = new TelephonyClient({ baseUrl: s.url, token, orgHandle: "dev-org" });
      clients.push(client);
      expect(await client.list()).toEqual([]);
      expect(s.stderr().includes("--token is visible to every user in ps")).toBe(warns);
      await s.stop();
    }
    const both = await run(process.execPath, [CLI, "serve", "--token", "a", "--token-file", tokenFile]).catch((e) => e);
    expect(both.stderr).toMatch(/--token and --token-file exclude each other/);
  });

  it("refuses to start with a request log it cannot write", async () => {
    const failure = await run(process.execPath, [
      CLI,
      "serve",
      "--port",
      "0",
      "--request-log",
      join(dir, "no-such-dir", "log.jsonl"),
    ]).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/--request-log .*: cannot write to it \(ENOENT\)/);
  });

  it("keeps its data file to its owner, and to one server at a time", async () => {
    const data = join(dir, "owned.jsonl");
    const first = await serve(["--data", data]);
    await first.client.create({ name: "Airtel", provider: 1, api_key: "plain-key" });
    expect(statSync(data).mode & 0o777).toBe(0o600);
    const second = await run(process.execPath, [CLI, "serve", "--port", "0", "--data", data]).catch((e) => e);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`${data} is in use by another telephony-config serve \\(pid ${first.child.pid}\\)`),
    );
    // Through a link to the same file, too.
    const link = join(dir, "owned-link.jsonl");
    symlinkSync(data, link);
    const third = await run(process.execPath, [CLI, "serve", "--port", "0", "--data", link]).catch((e) => e);
    expect(third.code).toBe(1);
    expect(third.stderr).toMatch(/is in use by another telephony-config serve/);
    await first.stop();
    expect((await (await serve(["--data", data])).client.list()).map((c) => c.name)).toEqual(["Airtel"]);
  });

  it("a stale lock is taken over by one of two servers started together, never by both", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!; // a pid whose process is gone
    for (let round = 0; round < 5; round++) {
      const data = join(dir, `stale-${round}.jsonl`);
      writeFileSync(`${data}.lock`, String(dead));
      const started = await Promise.allSettled([spawnServe(["--data", data]), spawnServe(["--data", data])]);
      const up = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      running.push(...up);
      expect(up).toHaveLength(1);
    }
  });

  it("a damaged data file is reported by line, without quoting it", async () => {
    const data = join(dir, "damaged.jsonl");
    writeFileSync(data, '{"put": {"id": 1, "api_key": sk_live_damaged}}\n{"next_id": 2}\n');
    const failure = await run(process.execPath, [CLI, "serve", "--port", "0", "--data", data]).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain(":1: not a store entry (not valid JSON)");
    expect(failure.stderr).not.toContain("sk_live");
  });

  it("never follows a link planted beside its data file", async () => {
    const data = join(dir, "planted.jsonl");
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    writeFileSync(data, "");
    symlinkSync(victim, `${data}.tmp`);
    const s = await serve(["--data", data]);
    await s.client.create({ name: "Vapi", provider: 6 });
    await s.stop();
    await serve(["--data", data]); // compacts again
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });

  it("shuts down cleanly on SIGTERM and SIGINT", async () => {
    expect(await (await serve()).stop("SIGTERM")).toBe(0);
    expect(await (await serve()).stop("SIGINT")).toBe(0);
  });

  it("--rate-limit N:BURST answers 429 with Retry-After past its rate", async () => {
    const s = await serve(["--rate-limit", "1:2"]);
    const call = () =>
      fetch(`${s.url}/api/v2/platform/telephony/providers-configurations/`, {
        headers: { authorization: "Token dev-token" },
      });
    const answers = [await call(), await call(), await call()];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2]!.headers.get("retry-after")).toBe("1");
    const bad = await run(process.execPath, [CLI, "serve", "--rate-limit", "fast"]).catch((e) => e);
    expect(bad.stderr).toMatch(/--rate-limit fast: expected N or N:BURST/);
  });

  it("rejects a bad flag with a clear message and exit code 1", async () => {
    const failure = await run(process.execPath, [CLI, "serve", "--fault", "418=0.5"]).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/--fault 418=0.5: expected KIND=FRACTION/);
  });

  it("says which option a misspelt one likely is, and where to look", async () => {
    const failure = await run(process.execPath, [CLI, "serve", "--prot", "0"]).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe(
      "telephony-config serve: unknown option --prot (did you mean --port?)\nRun 'telephony-config serve --help' for its options.\n",
    );
  });

  it("lists its exit codes in its help, as every command does", async () => {
    const { stdout } = await run(process.execPath, [CLI, "serve", "--help"]);
    expect(stdout).toMatch(/^Exit codes: 0 stopped by SIGINT or SIGTERM \(Ctrl-C\), 1 error /m);
  });
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
