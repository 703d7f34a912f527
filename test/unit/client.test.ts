import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  TelephonyApiError,
  TelephonyClient,
  TelephonyNetworkError,
  isBadRequest,
  isForbidden,
  isNotFound,
  isUnauthorized,
} from "../../src/client/index.js";
import { packageVersion } from "../../src/client/version.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";

const twilio = { name: "Twilio Support", provider: 3, api_key: "AC-key-1234", api_secret: "secret-5678" };

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("operations over real HTTP", () => {
  it("creates, gets, lists, updates and deletes", async () => {
    api = await startApi();
    const created = await api.client.create({
      ...twilio,
      meta_json: [{ meta_key: "region", meta_value: "us-east-1" }],
    });
    expect(created).toMatchObject({
      ...twilio,
      id: 1,
      org_handle: "dev-org",
      active: true,
      base_url: null,
      sip_url: "",
      provider_details: { id: 3, name: "Twilio" },
      meta_json: [{ meta_key: "region", meta_value: "us-east-1" }],
    });
    expect(await api.client.get(created.id)).toEqual(created);
    expect(await api.client.list()).toEqual([created]);

    const renamed = await api.client.update(created.id, { name: "Twilio Sales" });
    expect(renamed).toEqual({ ...created, name: "Twilio Sales" });

    await api.client.delete(created.id);
    expect(await api.client.list()).toEqual([]);
    expect(api.server.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      "POST 201",
      "GET 200",
      "GET 200",
      "PATCH 200",
      "DELETE 204",
      "GET 200",
    ]);
  });

  it("sends only the fields given in a PATCH", async () => {
    api = await startApi();
    const { id } = await api.client.create(twilio);
    await api.client.update(id, { active: false, sip_url: "sip:support.example.com" });
    expect(api.server.requests.at(-1)).toMatchObject({ method: "PATCH", bodyKeys: ["active", "sip_url"] });
  });

  it("refuses to PATCH a field that only a replacement can change, before sending", async () => {
    api = await startApi();
    const { id } = await api.client.create(twilio);
    const error = await caught(api.client.update(id, { provider: 4 } as never));
    expect(error.message).toMatch(/provider cannot be changed by PATCH/);
    expect(api.server.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
  });

  it.each([200, 201] as const)("accepts a create answered %i", async (createStatus) => {
    api = await startApi({ createStatus });
    expect((await api.client.create(twilio)).id).toBe(1);
    expect(api.server.requests[0]!.status).toBe(createStatus);
  });

  it("lists every organization the token sees without Org-Handle, one with it", async () => {
    api = await startApi();
    await api.client.create(twilio);
    await api.clientWith({ orgHandle: "other-org" }).create({ name: "Jio", provider: 2 });
    expect((await api.client.list()).map((c) => c.org_handle)).toEqual(["dev-org"]);
    expect((await api.clientWith({ orgHandle: undefined }).list()).map((c) => c.org_handle)).toEqual([
      "dev-org",
      "other-org",
    ]);
  });

  it("sends the token, organization, product and a User-Agent naming the package", async () => {
    let seen: Record<string, string | string[] | undefined> = {};
    const probe = createServer((req, res) => {
      seen = req.headers;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ status_code: 200, message: "ok", data: [] }));
    });
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const client = new TelephonyClient({
      baseUrl: `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`,
      token: TOKEN,
      orgHandle: "dev-org",
      productId: 7,
    });
    try {
      await client.list();
      expect(seen).toMatchObject({
        authorization: `Token ${TOKEN}`,
        "org-handle": "dev-org",
        "product-id": "7",
        "user-agent": expect.stringMatching(new RegExp(`^telephony-config/${packageVersion} `)),
      });
    } finally {
      await client.close();
      probe.close();
    }
  });

  it("reuses keep-alive connections across calls, never more than its pool", async () => {
    api = await startApi({}, { connections: 4 });
    // undici returns a connection to the pool a tick after the body is read, so back-to-back
    // calls may open a second one; without keep-alive it would be twenty.
    for (let i = 0; i < 20; i++) await api.client.list();
    expect(api.server.connections()).toBeLessThanOrEqual(2);
    await Promise.all(Array.from({ length: 32 }, () => api!.client.list()));
    expect(api.server.connections()).toBeLessThanOrEqual(4);
  });
});

describe("error codes of the contract", () => {
  it("401 for an unknown token, without the token in the message", async () => {
    api = await startApi();
    const error = await caught(api.clientWith({ token: "wrong-token-123" }).list());
    expect(isUnauthorized(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, method: "GET", serverMessage: "Invalid token." });
    expect(error.message).not.toContain("wrong-token-123");
  });

  it("403 for an organization the token may not access", async () => {
    api = await startApi();
    const error = await caught(api.clientWith({ orgHandle: "someone-else" }).create(twilio));
    expect(isForbidden(error)).toBe(true);
    expect(error.message).toContain("No access to organization someone-else");
  });

  it("404 for a missing configuration and for one of another organization", async () => {
    api = await startApi();
    const { id } = await api.clientWith({ orgHandle: "other-org" }).create(twilio);
    for (const missing of [id, 999]) {
      const error = await caught(api.client.get(missing));
      expect(isNotFound(error)).toBe(true);
      expect(error).toMatchObject({ path: `/api/v2/platform/telephony/providers-configurations/${missing}/` });
    }
    expect(isNotFound(await caught(api.client.update(999, { name: "x" })))).toBe(true);
    expect(isNotFound(await caught(api.client.delete(999)))).toBe(true);
  });

  it("400 with the reasons per field", async () => {
    api = await startApi();
    const error = await caught(
      api.client.create({ name: "", provider: 999, base_url: "ftp://x", sip_url: "http://y" }),
    );
    expect(isBadRequest(error)).toBe(true);
    expect((error as TelephonyApiError).fieldErrors).toEqual({
      name: ["must NOT have fewer than 1 characters"],
      base_url: ['must match pattern "^https?://"'],
      sip_url: ['must match pattern "^(sips?:.+)?$"'],
    });
    const unknown = await caught(api.client.create({ name: "x", provider: 999 }));
    expect((unknown as TelephonyApiError).fieldErrors).toEqual({ provider: ["unknown provider id 999"] });
  });

  it("a missing Org-Handle or Product-ID is refused before anything is sent", async () => {
    api = await startApi();
    expect((await caught(api.clientWith({ orgHandle: undefined }).create(twilio))).message).toMatch(/Org-Handle/);
    expect((await caught(api.clientWith({ productId: undefined }).get(1))).message).toMatch(/Product-ID/);
    expect(api.server.requests).toEqual([]);
  });
});

describe("retries, against the server's fault injection", () => {
  it("a PATCH that meets two 503s then succeeds", async () => {
    api = await startApi();
    const { id } = await api.client.create(twilio);
    api.server.faults.inject("503", 2, "PATCH");
    expect((await api.client.update(id, { name: "renamed" })).name).toBe("renamed");
    expect(api.server.requests.filter((r) => r.method === "PATCH").map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it("a POST that meets a 503 is not repeated", async () => {
    api = await startApi();
    api.server.faults.inject("503", 1, "POST");
    const error = await caught(api.client.create(twilio));
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    expect(api.server.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 503"]);
  });

  it("a POST whose connection drops is not repeated, and says it may have happened", async () => {
    api = await startApi();
    api.server.faults.inject("drop", 1, "POST");
    const error = await caught(api.client.create(twilio));
    expect(error).toBeInstanceOf(TelephonyNetworkError);
    expect(error).toMatchObject({ mayHaveSucceeded: true, attempts: 1 });
    expect(error.message).toMatch(/may have been created/);
    expect(api.server.requests).toHaveLength(1);
  });

  it("a GET whose connection drops is tried again", async () => {
    api = await startApi();
    api.server.faults.inject("drop", 1, "GET");
    expect(await api.client.list()).toEqual([]);
    expect(api.server.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it("a 429 is retried after Retry-After", async () => {
    api = await startApi({ faults: { retryAfterSeconds: 1 } });
    api.server.faults.inject("429", 1);
    const started = Date.now();
    expect(await api.client.list()).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.server.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("waiting out a 429 is not failing: the deadline covers the work, not the wait", async () => {
    api = await startApi({ faults: { retryAfterSeconds: 1 } });
    api.server.faults.inject("429", 1);
    expect(await api.clientWith({ deadlineMs: 500 }).list()).toEqual([]);
    expect(api.server.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("a 429 asking to wait longer than the client ever waits fails the call at once, as a 429", async () => {
    api = await startApi({ faults: { retryAfterSeconds: 3600 } });
    api.server.faults.inject("429", 1);
    const started = Date.now();
    const error = await caught(api.client.list());
    expect(error).toMatchObject({ status: 429 });
    expect(error.message).toMatch(
      /the API asks to wait 3600 s more \(Retry-After\), longer than this client waits \(300 s\): try again later/,
    );
    // Every other call fails at once too, without sending anything, rather than wait 5 minutes.
    const next = await caught(api.clientWith({}).get(1));
    expect(next).toMatchObject({ status: 429, attempts: 0 });
    expect(next.message).toMatch(/the API asks to wait 3\d{3} s more/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(api.server.requests.map((r) => r.status)).toEqual([429]);
  });

  it("a 500 is not retried", async () => {
    api = await startApi();
    api.server.faults.inject("500", 1);
    expect(await caught(api.client.list())).toMatchObject({ status: 500, attempts: 1 });
  });

  it("gives up after the last attempt and says how many were made", async () => {
    api = await startApi();
    api.server.faults.inject("503", 10, "GET");
    const error = await caught(api.client.list());
    expect(error).toMatchObject({ status: 503, attempts: 4 });
    expect(error.message).toMatch(/after 4 attempts/);
  });

  it("a connection reset after the headers, in the middle of the body", async () => {
    const resetting = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "500" });
      res.write('{"status_code": 200, "message": "ok", "data": [');
      setImmediate(() => req.socket.destroy());
    });
    await new Promise<void>((resolve) => resetting.listen(0, "127.0.0.1", resolve));
    const client = new TelephonyClient({
      baseUrl: `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`,
      token: TOKEN,
      orgHandle: "dev-org",
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    try {
      const list = await caught(client.list());
      expect(list).toBeInstanceOf(TelephonyNetworkError);
      expect(list).toMatchObject({ attempts: 2, mayHaveSucceeded: false });
      const create = await caught(client.create({ name: "x", provider: 3 }));
      expect(create).toMatchObject({ attempts: 1, mayHaveSucceeded: true });
    } finally {
      await client.close();
      resetting.close();
    }
  });

  it("times out an attempt that gets no answer in time", async () => {
    api = await startApi({ faults: { latencyMs: 400 } });
    const error = await caught(api.clientWith({ timeoutMs: 100, deadlineMs: 250 }).list());
    expect(error).toBeInstanceOf(TelephonyNetworkError);
    expect(error).toMatchObject({ timedOut: true, mayHaveSucceeded: false });
  });
});

describe("what an answer proves, over real HTTP", () => {
  it("an option passed as undefined keeps its default", async () => {
    api = await startApi();
    expect(
      await api.clientWith({ timeoutMs: undefined, deadlineMs: undefined, retry: { maxAttempts: undefined } }).list(),
    ).toEqual([]);
  });

  it("a refused connection proves nothing was sent: a create is tried again, and may not have happened", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new TelephonyClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: TOKEN,
      orgHandle: "dev-org",
      retry: { baseDelayMs: 1 },
    });
    try {
      const error = await caught(client.create(twilio));
      expect(error).toBeInstanceOf(TelephonyNetworkError);
      expect(error).toMatchObject({ sent: false, mayHaveSucceeded: false, attempts: 4 });
      expect(error.message).not.toMatch(/may have been created/);
    } finally {
      await client.close();
    }
  });

  it("never starts an attempt with too little time left to finish", async () => {
    // Answers take 400 ms; after a 503 a second GET would have about 1.1 s of a 1.5 s deadline left,
    // less than its 1 s timeout needs to be sure of an answer.
    api = await startApi({ faults: { latencyMs: 400 } });
    api.server.faults.inject("503", 1, "GET");
    const error = await caught(api.clientWith({ timeoutMs: 1_000, deadlineMs: 1_300 }).list());
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    expect(api.server.requests.map((r) => r.status)).toEqual([503]);
  });

  it("a create that met a 429 is repeated once it may be: not processed, so no duplicate, and no attempt used", async () => {
    api = await startApi({ faults: { retryAfterSeconds: 1 } });
    api.server.faults.inject("429", 1, "POST");
    const created = await api.clientWith({ retry: { maxAttempts: 1 } }).create(twilio);
    expect(api.server.store.all().map((c) => c.id)).toEqual([created.id]);
    expect(api.server.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 429", "POST 201"]);
  });

  it("the API's own 404 means not found; a foreign 404 page does not, and names the URL", async () => {
    const proxy = createServer((_req, res) =>
      res.writeHead(404, { "content-type": "text/html" }).end("<html><body><h1>404 Not Found</h1></body></html>"),
    );
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/wrong-prefix`;
    const client = new TelephonyClient({ baseUrl: base, token: TOKEN, orgHandle: "dev-org", productId: 1 });
    api = await startApi();
    try {
      for (const call of [client.get(1), client.delete(1), client.update(1, { name: "x" })]) {
        const error = await caught(call);
        expect(isNotFound(error)).toBe(false);
        expect(error).toMatchObject({ status: 404, foreign: true });
        expect(error.message).toMatch(
          new RegExp(
            `^[A-Z]+ ${base}/api/v2/platform/telephony/providers-configurations/1/: 404 Not Found — this answer is not from the Provider Configurations API \\(not its JSON envelope\\): the base URL or a proxy in between is probably wrong`,
          ),
        );
      }
      const own = await caught(api.client.get(999));
      expect(isNotFound(own)).toBe(true);
      expect(own).toMatchObject({ foreign: false });
    } finally {
      await client.close();
      proxy.close();
    }
  });

  it("a create answered by a gateway's 502 page, or whose answer is lost, may have happened", async () => {
    api = await startApi();
    api.server.faults.inject("gateway", 1, "POST");
    const gateway = await caught(api.client.create(twilio));
    expect(gateway).toMatchObject({ status: 502, foreign: true, mayHaveSucceeded: true, attempts: 1 });
    api.server.faults.inject("lost", 1, "POST");
    const lost = await caught(api.client.create(twilio));
    expect(lost).toMatchObject({ sent: true, mayHaveSucceeded: true, attempts: 1 });
    // Both were carried out: that is what makes these faults different from a drop.
    expect(api.server.store.all()).toHaveLength(2);
    expect(api.server.requests.map((r) => [r.status, r.fault])).toEqual([
      [201, "gateway"],
      [201, "lost"],
    ]);
    // A 400 from the API itself proves nothing was created.
    expect(await caught(api.client.create({ name: "", provider: 3 }))).toMatchObject({
      status: 400,
      mayHaveSucceeded: false,
    });
  });

  it("acts in another organization when asked", async () => {
    api = await startApi();
    const other = await api.client.inOrganization("other-org").create(twilio);
    expect(other.org_handle).toBe("other-org");
    expect(isNotFound(await caught(api.client.get(other.id)))).toBe(true);
    expect((await api.client.inOrganization("other-org").get(other.id)).id).toBe(other.id);
  });
});
