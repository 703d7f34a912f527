// The local API server's own rules, checked with raw requests over loopback.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COLLECTION_PATH, itemPath } from "../../src/client/index.js";
import { startApiServer, type RunningServer } from "../../src/server/server.js";
import { FileStore } from "../../src/server/store.js";

const TOKEN = "srv-token";
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const full = { authorization: `Token ${TOKEN}`, "org-handle": "dev-org", "product-id": "7" };

async function call(method: string, path: string, headers: Record<string, string> = full, body?: unknown) {
  server ??= await startApiServer({ tokens: { [TOKEN]: ["dev-org"] } });
  const response = await fetch(server.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? JSON.parse(text) : undefined,
    requestId: response.headers.get("x-request-id"),
  };
}

const create = () => call("POST", COLLECTION_PATH, full, { name: "Twilio", provider: 3 });

describe("local API server", () => {
  it("wraps every JSON answer in the envelope and sends a request id", async () => {
    const created = await create();
    expect(created).toMatchObject({
      status: 201,
      json: { status_code: 201, message: expect.any(String), data: { id: 1 } },
    });
    expect(created.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await call("GET", itemPath(9));
    expect(missing).toMatchObject({ status: 404, json: { status_code: 404, data: {} } });
  });

  it.each([
    ["no token", {}, 401],
    ["an unknown token", { authorization: "Token nope" }, 401],
    ["a token in another scheme", { authorization: `Bearer ${TOKEN}` }, 401],
    ["the token constructor", { authorization: "Token constructor" }, 401],
    ["the token __proto__", { authorization: "Token __proto__" }, 401],
    ["the token toString", { authorization: "Token toString" }, 401],
    ["the token hasOwnProperty", { authorization: "Token hasOwnProperty" }, 401],
  ])("answers 401 for %s", async (_name, headers, status) => {
    expect((await call("GET", COLLECTION_PATH, headers)).status).toBe(status);
  });

  it.each([
    ["create without Org-Handle", "POST", COLLECTION_PATH, { authorization: `Token ${TOKEN}` }, 400, /Org-Handle/],
    [
      "get without Product-ID",
      "GET",
      itemPath(1),
      { authorization: `Token ${TOKEN}`, "org-handle": "dev-org" },
      400,
      /Product-ID header is required/,
    ],
    [
      "update without Product-ID",
      "PATCH",
      itemPath(1),
      { authorization: `Token ${TOKEN}`, "org-handle": "dev-org" },
      400,
      /Product-ID/,
    ],
    [
      "delete without Product-ID",
      "DELETE",
      itemPath(1),
      { authorization: `Token ${TOKEN}`, "org-handle": "dev-org" },
      400,
      /Product-ID/,
    ],
    [
      "a Product-ID that is not an integer",
      "GET",
      itemPath(1),
      { ...full, "product-id": "abc" },
      400,
      /must be an integer/,
    ],
    [
      "an organization the token may not access",
      "GET",
      COLLECTION_PATH,
      { ...full, "org-handle": "acme" },
      403,
      /No access/,
    ],
    ["a path without its trailing slash", "GET", COLLECTION_PATH.slice(0, -1), full, 404, /end with a slash/],
    ["an item path without its trailing slash", "GET", itemPath(1).slice(0, -1), full, 404, /end with a slash/],
    ["a non-numeric id", "GET", itemPath("abc"), full, 404, /not found/],
    ["an id with a leading zero", "GET", itemPath("01"), full, 404, /not found/],
    ["an id with leading zeros", "DELETE", itemPath("0001"), full, 404, /not found/],
    [
      "an empty Org-Handle on a list",
      "GET",
      COLLECTION_PATH,
      { ...full, "org-handle": "" },
      400,
      /Org-Handle header is empty/,
    ],
    [
      "an empty Org-Handle on a get",
      "GET",
      itemPath(1),
      { ...full, "org-handle": " " },
      400,
      /Org-Handle header is empty/,
    ],
    ["PUT on an item", "PUT", itemPath(1), full, 405, /not allowed/],
    ["DELETE on the collection", "DELETE", COLLECTION_PATH, full, 405, /not allowed/],
  ])("answers %s", async (_name, method, path, headers, status, message) => {
    await create();
    const answer = await call(method, path, headers);
    expect(answer.status).toBe(status);
    expect(answer.json.message).toMatch(message);
  });

  it("authenticates before it reads the body", async () => {
    expect((await call("POST", COLLECTION_PATH, {}, "{not json")).status).toBe(401);
    expect(server!.requests.at(-1)).toEqual({ method: "POST", path: COLLECTION_PATH, status: 401 });
  });

  it("answers 405 with Allow", async () => {
    server ??= await startApiServer({ tokens: { [TOKEN]: ["dev-org"] } });
    for (const [path, allow] of [
      [COLLECTION_PATH, "GET, POST"],
      [itemPath(1), "GET, PATCH, DELETE"],
    ] as const) {
      const answer = await fetch(server.url + path, { method: "PUT", headers: full });
      expect([answer.status, answer.headers.get("allow")]).toEqual([405, allow]);
    }
  });

  it.each([
    ["constructor", { constructor: 1, name: "x", provider: 3 }],
    ["__proto__", JSON.parse('{"__proto__": {"polluted": true}, "name": "x", "provider": 3}')],
    ["toString", { toString: "x", name: "x", provider: 3 }],
    ["hasOwnProperty", { hasOwnProperty: [], provider: 3 }],
  ])("a body with the built-in name %s is a 400 on create and on update, never a 5xx", async (name, body) => {
    await create();
    for (const [method, path] of [
      ["POST", COLLECTION_PATH],
      ["PATCH", itemPath(1)],
    ] as const) {
      const answer = await call(method, path, full, JSON.stringify(body));
      expect(answer.status).toBe(400);
      expect(Object.keys(answer.json.errors)).toContain(name);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("says where a body is not JSON, never what it holds", async () => {
    const answer = await call(
      "POST",
      COLLECTION_PATH,
      full,
      '{"name": "x", "provider": 3, "api_key": sk_live_4eC39HqLyjWDarjtT1zdp7dc}',
    );
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe("The body is not valid JSON (at position 40).");
    expect(JSON.stringify(answer.json)).not.toContain("sk_live");
    expect((await call("POST", COLLECTION_PATH, full, '{"api_key": "sk_live_4eC39')).json.message).toBe(
      "The body is not valid JSON: it ends too early.",
    );
  });

  it("a request log that cannot be written fails no request, and a 500 is logged too", async () => {
    const seen: number[] = [];
    server = await startApiServer({
      tokens: { [TOKEN]: ["dev-org"] },
      onRequest: (entry) => {
        seen.push(entry.status);
        throw new Error("EACCES: permission denied");
      },
    });
    expect((await create()).status).toBe(201);
    expect(server.store.all()).toHaveLength(1);
    server.store.replace = () => {
      throw new Error("disk on fire");
    };
    expect((await call("PATCH", itemPath(1), full, { name: "y" })).status).toBe(500);
    expect(seen).toEqual([201, 500]);
  });

  it("rejects invalid bodies with reasons per field", async () => {
    expect((await call("POST", COLLECTION_PATH, full, "{not json")).json.message).toMatch(/not valid JSON/);
    const invalid = await call("POST", COLLECTION_PATH, full, {
      provider: "3",
      active: "yes",
      id: 5,
      meta_json: [{ meta_key: "" }],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors).toEqual({
      name: ["is required"],
      provider: ["must be integer"],
      active: ["must be boolean"],
      id: ["is not a writable field"],
      "meta_json.0.meta_value": ["is required"],
      "meta_json.0.meta_key": ["must NOT have fewer than 1 characters"],
    });
  });

  it("accepts only the writable fields in a PATCH", async () => {
    await create();
    const answer = await call("PATCH", itemPath(1), full, { name: "ok", provider: 4, meta_json: [], org_handle: "x" });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual({
      provider: ["is not a writable field"],
      meta_json: ["is not a writable field"],
      org_handle: ["is not a writable field"],
    });
    expect((await call("GET", itemPath(1))).json.data.name).toBe("Twilio");
  });

  it("fills defaults and provider_details from the catalogue", async () => {
    const { json } = await create();
    expect(json.data).toEqual({
      id: 1,
      name: "Twilio",
      provider: 3,
      provider_details: { id: 3, name: "Twilio", description: "Twilio programmable voice", icon: expect.any(String) },
      org_handle: "dev-org",
      meta_json: [],
      active: true,
      api_key: "",
      api_secret: "",
      base_url: null,
      sip_url: "",
    });
  });

  it("answers delete with 204 and an empty body, then 404", async () => {
    await create();
    expect(await call("DELETE", itemPath(1))).toEqual({ status: 204, json: undefined, requestId: expect.any(String) });
    expect((await call("DELETE", itemPath(1))).status).toBe(404);
  });

  it("logs method, path and status of every request", async () => {
    await create();
    await call("GET", itemPath(2));
    expect(server!.requests).toEqual([
      { method: "POST", path: COLLECTION_PATH, status: 201, bodyKeys: ["name", "provider"] },
      { method: "GET", path: itemPath(2), status: 404 },
    ]);
  });

  it("injects faults at the configured rate", async () => {
    server = await startApiServer({ tokens: { [TOKEN]: ["dev-org"] }, faults: { rates: { "503": 1 } } });
    expect((await call("GET", COLLECTION_PATH)).status).toBe(503);
    server.faults.rates = { "500": 1 };
    expect((await call("GET", COLLECTION_PATH)).status).toBe(500);
    server.faults.rates = {};
    expect((await call("GET", COLLECTION_PATH)).status).toBe(200);
  });

  it("carries a request out before losing its answer: lost closes the connection, gateway answers an HTML 502", async () => {
    server = await startApiServer({ tokens: { [TOKEN]: ["dev-org"] } });
    server.faults.inject("lost", 1, "POST");
    await expect(create()).rejects.toThrow();
    server.faults.inject("gateway", 1, "POST");
    const gateway = await fetch(server.url + COLLECTION_PATH, {
      method: "POST",
      headers: { ...full, "content-type": "application/json" },
      body: JSON.stringify({ name: "Twilio", provider: 3 }),
    });
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get("content-type")).toBe("text/html");
    expect(await gateway.text()).toContain("<title>502 Bad Gateway</title>");
    expect(server.store.all().map((c) => c.id)).toEqual([1, 2]);
    expect(server.requests.map((r) => [r.status, r.fault])).toEqual([
      [201, "lost"],
      [201, "gateway"],
    ]);
  });

  it("a write the data file could not take fails, and is not served afterwards", async () => {
    const dir = mkdtempSync(join(tmpdir(), "telephony-store-"));
    try {
      const store = new FileStore(join(dir, "data.jsonl"));
      server = await startApiServer({ tokens: { [TOKEN]: ["dev-org"] }, store });
      expect((await create()).status).toBe(201);
      store.close(); // every later write to the file fails
      expect((await create()).status).toBe(500);
      expect((await call("PATCH", itemPath(1), full, { name: "renamed" })).status).toBe(500);
      expect((await call("DELETE", itemPath(1))).status).toBe(500);
      const listed = await call("GET", COLLECTION_PATH);
      expect(listed.json.data.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([[1, "Twilio"]]);
    } finally {
      await server?.close().catch(() => undefined); // the store is closed already
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
