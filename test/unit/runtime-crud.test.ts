// The runtime's create, read, update, delete, check and diff in-process, over real HTTP to the local
// API server: what the engine would be handed, and what reaches the API.
import { afterEach, describe, expect, it } from "vitest";
import { markOf } from "../../src/model/index.js";
import { normaliseApiUrl } from "../../src/settings/settings.js";
import { startApi, type Api } from "../helpers/api.js";
import { declared, OWNER, runtimeAt, writes } from "../helpers/runtime.js";

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("create", () => {
  it("creates the declared configuration, marked by its owner, with its identity in the outputs", async () => {
    api = await startApi();
    const { runtime, notices } = runtimeAt(`${api.server.url}/`);
    const created = await runtime.create(declared({ apiKey: "key-5d1c", sipUrl: "sip:a.example" }));
    const live = await api.client.get(Number(created.id));
    expect(live).toMatchObject({ name: "Prod", provider: 3, api_key: "key-5d1c", sip_url: "sip:a.example" });
    expect(markOf(live.meta_json)).toMatchObject(OWNER);
    expect(created.outputs).toMatchObject({
      name: "Prod",
      apiKey: "key-5d1c",
      orgHandle: "dev-org",
      apiUrl: normaliseApiUrl(api.server.url),
      mark: expect.any(String),
      instance: expect.any(String),
    });
    // The secret declared is named as secret; the one not declared is neither managed nor known.
    expect(created.secrets).toEqual(["apiKey"]);
    expect(created.outputs).not.toHaveProperty("apiSecret");
    expect(notices).toEqual([]);
  });

  it("refuses a declaration without an owner, and sends nothing", async () => {
    api = await startApi();
    const { owner: _owner, ...orphan } = declared();
    await expect(runtimeAt(api.server.url).runtime.create(orphan)).rejects.toThrow(
      `"Prod" has no owner: declare it with telephony-config's ProviderConfiguration`,
    );
    expect(api.server.requests).toEqual([]);
  });

  it("reports settings that did not resolve at the first call that needs the API, not at check or diff", async () => {
    api = await startApi();
    const { runtime } = runtimeAt(api.server.url, { "telephony:productId": "one" });
    expect(runtime.check({}, { name: "A", provider: 3 })).toEqual([]);
    await expect(runtime.create(declared())).rejects.toThrow(
      "telephony:productId in the stack's config must be an integer",
    );
  });
});

describe("diff", () => {
  it("names each field that differs, and whether it replaces the configuration", async () => {
    api = await startApi();
    const { runtime } = runtimeAt(api.server.url);
    const { id, outputs } = await runtime.create(declared({ apiKey: "key-1" }));
    const before = api.server.requests.length;
    expect(runtime.diff(id, outputs, declared({ apiKey: "key-1" }))).toEqual([]);
    expect(runtime.diff(id, outputs, declared({ apiKey: "key-1", name: "Prod 2", sipUrl: "sip:b" }))).toEqual([
      { field: "name", kind: "update" },
      { field: "sipUrl", kind: "update" },
    ]);
    expect(runtime.diff(id, outputs, declared({ apiKey: "key-1", provider: 4, meta: { v: "2" } }))).toEqual([
      { field: "provider", kind: "replace" },
      { field: "meta", kind: "replace" },
    ]);
    // A secret no longer declared leaves the state: an update with nothing to send.
    expect(runtime.diff(id, outputs, declared())).toEqual([{ field: "apiKey", kind: "update" }]);
    expect(api.server.requests.length).toBe(before);
  });
});

describe("read", () => {
  it("reports the live configuration and inputs that mirror it, secrets named as such", async () => {
    api = await startApi();
    const { runtime } = runtimeAt(api.server.url);
    const { id, outputs } = await runtime.create(declared({ apiKey: "key-1", baseUrl: "https://a.example" }));
    await api.client.update(Number(id), { name: "Renamed", api_key: "key-2", api_secret: "secret-3" });
    const read = await runtimeAt(api.server.url).runtime.read(id, outputs);
    expect(read!.outputs).toMatchObject({ name: "Renamed", apiKey: "key-2", instance: outputs.instance });
    // Only the secrets the state holds are managed: apiSecret was never declared.
    expect(read!.outputs).not.toHaveProperty("apiSecret");
    expect(read!.inputs).toEqual({
      name: "Renamed",
      provider: 3,
      active: true,
      apiKey: "key-2",
      baseUrl: "https://a.example",
      meta: {},
    });
    expect(read!.secrets).toEqual(["apiKey"]);
  });

  it("a configuration deleted out of band is gone: the API's own 404, confirmed by its list", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    await api.client.delete(Number(id));
    expect(await runtimeAt(api.server.url).runtime.read(id, outputs)).toBeUndefined();
  });
});

describe("update", () => {
  it("PATCHes only the fields that differ", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared({ apiKey: "key-1" }));
    const { runtime } = runtimeAt(api.server.url);
    const updated = await runtime.update(id, outputs, declared({ apiKey: "key-2", name: "Prod 2" }));
    expect(updated.outputs).toMatchObject({ name: "Prod 2", apiKey: "key-2", instance: outputs.instance });
    expect(updated.secrets).toEqual(["apiKey"]);
    const patch = writes(api).at(-1)!;
    expect([patch.method, [...patch.bodyKeys!].sort()]).toEqual(["PATCH", ["api_key", "name"]]);
    expect(await api.client.get(Number(id))).toMatchObject({ name: "Prod 2", api_key: "key-2" });
  });

  it("with nothing to send, sends nothing: a secret no longer declared only leaves the outputs", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared({ apiKey: "key-1" }));
    const before = api.server.requests.length;
    const updated = await runtimeAt(api.server.url).runtime.update(id, outputs, declared());
    expect(updated.outputs).not.toHaveProperty("apiKey");
    expect(updated.secrets).toEqual([]);
    expect(api.server.requests.length).toBe(before);
    expect(await api.client.get(Number(id))).toMatchObject({ api_key: "key-1" });
  });

  it("a configuration deleted out of band is not re-created by an update: refresh first", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    await api.client.delete(Number(id));
    await expect(runtimeAt(api.server.url).runtime.update(id, outputs, declared({ name: "X" }))).rejects.toThrow(
      `configuration ${id} ("Prod") was deleted out of band: run pulumi up --refresh to create it again`,
    );
    expect(writes(api).filter((r) => r.method !== "DELETE").length).toBe(1);
  });
});

describe("replace", () => {
  it("creates the new configuration with the live secrets the declaration leaves out, then deletes the old", async () => {
    api = await startApi();
    const old = await runtimeAt(api.server.url).runtime.create(declared({ meta: { v: "1" } }));
    await api.client.update(Number(old.id), { api_key: "live-key-2b7d", api_secret: "live-secret-93ae" });
    const { runtime } = runtimeAt(api.server.url);
    expect(runtime.diff(old.id, old.outputs, declared({ meta: { v: "2" } }))).toEqual([
      { field: "meta", kind: "replace" },
    ]);
    const next = await runtime.create(declared({ meta: { v: "2" } }));
    // Carried, not declared: in the new configuration, never in the outputs.
    expect(next.outputs).not.toHaveProperty("apiKey");
    expect(next.secrets).toEqual([]);
    expect(await api.client.get(Number(next.id))).toMatchObject({
      api_key: "live-key-2b7d",
      api_secret: "live-secret-93ae",
    });
    await runtime.delete(old.id, old.outputs);
    expect(api.server.store.all().map((c) => String(c.id))).toEqual([next.id]);
  });
});

describe("delete", () => {
  it("deletes the configuration, and one already gone is done", async () => {
    api = await startApi();
    const { runtime } = runtimeAt(api.server.url);
    const a = await runtime.create(declared());
    const b = await runtime.create(declared({ name: "B", owner: { ...OWNER, resource: "b" } }));
    await runtimeAt(api.server.url).runtime.delete(a.id, a.outputs);
    expect(api.server.store.all().map((c) => String(c.id))).toEqual([b.id]);
    await api.client.delete(Number(b.id));
    await runtimeAt(api.server.url).runtime.delete(b.id, b.outputs);
    expect(writes(api).filter((r) => r.method === "DELETE").length).toBe(2);
  });
});

describe("check", () => {
  it("names the failing properties, never their values", async () => {
    const { runtime } = runtimeAt("http://127.0.0.1:1");
    const failures = runtime.check({}, { name: "A", provider: 3, apiSecret: "  ", meta: {} });
    expect(failures).toEqual([
      { property: "apiSecret", reason: "is only whitespace: leave it out to leave the live value alone" },
    ]);
    expect(runtime.check({}, { name: "A", provider: "3", apiKey: 9876543 })).toEqual([
      { property: "provider", reason: "must be integer" },
      { property: "apiKey", reason: "must be string" },
    ]);
  });
});
