import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

async function serve(args: string[] = []) {
  const s = await spawnServe(args);
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
    const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
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

  it("shuts down cleanly on SIGTERM and SIGINT", async () => {
    expect(await (await serve()).stop("SIGTERM")).toBe(0);
    expect(await (await serve()).stop("SIGINT")).toBe(0);
  });

  it("rejects a bad flag with a clear message and exit code 1", async () => {
    const failure = await run(process.execPath, [CLI, "serve", "--fault", "418=0.5"]).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/--fault 418=0.5: expected KIND=FRACTION/);
  });
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
