// The runtime's replacement path over real HTTP, driven as the engine drives it: diff, create, then
// delete. Secrets the declaration leaves out survive; the other order is refused before anything runs.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import type { ConfigurationInputs, ConfigurationOutputs } from "../../src/model/index.js";
import { ProviderConfiguration } from "../../src/pulumi/resource.js";
import { configure, create, diff, remove } from "../../src/pulumi/dynamic-provider.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { declared as declaredFor, OWNER, runtimeAt } from "../helpers/runtime.js";

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const owner = { stack: "telephony-config/test", resource: "prod" };
const declared = (meta: Record<string, string>): ConfigurationInputs => ({ name: "Prod", provider: 3, meta, owner });

async function made(): Promise<{ id: string; outs: ConfigurationOutputs }> {
  api = await startApi();
  const settings: Record<string, string> = {
    "telephony:apiUrl": api.server.url,
    "telephony:apiToken": TOKEN,
    "telephony:orgHandle": "dev-org",
    "telephony:productId": "1",
  };
  configure({ config: { get: (k: string) => settings[k] } } as never);
  const { id, outs } = await create(declared({ v: "1" }));
  await api.client.update(Number(id), { api_key: "live-key-4e2a", api_secret: "live-secret-8b0f" });
  // The replacement is a later operation: a new provider process, configured afresh.
  configure({ config: { get: (k: string) => settings[k] } } as never);
  return { id, outs: outs as ConfigurationOutputs };
}

describe("a replacement of a configuration whose secrets are not declared", () => {
  it("create before delete: the new configuration carries them, then the old one is deleted", async () => {
    const old = await made();
    await diff(old.id, old.outs, declared({ v: "2" }));
    const next = await create(declared({ v: "2" }));
    expect(next.outs).not.toHaveProperty("apiKey");
    expect(await api!.client.get(Number(next.id))).toMatchObject({
      api_key: "live-key-4e2a",
      api_secret: "live-secret-8b0f",
    });
    await remove(old.id, old.outs);
    expect((await api!.client.list()).map((c) => c.id)).toEqual([Number(next.id)]);
  });
});

describe("a still-declared resource deleted before its replacement exists (deleteBeforeReplace), where the host names it", () => {
  const NATIVE_OWNER = { ...OWNER, host: "native" as const };
  const current = declaredFor({ owner: NATIVE_OWNER });

  async function made() {
    api = await startApi();
    const made = await runtimeAt(api.server.url).runtime.create(current);
    await api.client.update(Number(made.id), { api_secret: "live-secret-8b0f" });
    return made;
  }

  it.each([
    ["the diff said replace", { meta: { v: "2" } }],
    ["the diff said update, and the engine replaces (replaceOnChanges)", { name: "Prod renamed" }],
    ["not diffed: pulumi up --replace", undefined],
  ])("%s: refused, nothing deleted, the secrets stay", async (_, change) => {
    const old = await made();
    const next = runtimeAt(api!.server.url).runtime; // the next operation
    const news = { ...current, ...change };
    expect(next.check(current as never, news as never)).toEqual([]);
    if (change) next.diff(old.id, old.outputs, news);
    await expect(next.delete(old.id, old.outputs, NATIVE_OWNER)).rejects.toThrow(
      "its replacement does not exist yet: it is not deleted first",
    );
    expect(await api!.client.get(Number(old.id))).toMatchObject({ api_secret: "live-secret-8b0f" });
  });

  it("an old half an earlier run left pending (its delete failed) is deleted: the resource's diff shows it holds its replacement", async () => {
    const old = await made();
    const replacing = runtimeAt(api!.server.url).runtime; // its delete of the old half failed
    replacing.diff(old.id, old.outputs, { ...current, meta: { v: "2" } });
    const replacement = await replacing.create({ ...current, meta: { v: "2" } });
    const next = runtimeAt(api!.server.url).runtime; // the next up: the pending delete comes after the diffs
    next.check(current as never, { ...current, meta: { v: "2" } } as never);
    next.diff(replacement.id, replacement.outputs, { ...current, meta: { v: "2" } });
    await next.delete(old.id, old.outputs, NATIVE_OWNER);
    expect((await api!.client.list()).map((c) => String(c.id))).toEqual([replacement.id]);
  });

  it("create first, then delete, goes through; so does a delete of a resource no longer declared", async () => {
    const old = await made();
    const next = runtimeAt(api!.server.url).runtime;
    next.check(current as never, current as never);
    const replacement = await next.create({ ...current, apiKey: "k", apiSecret: "new-secret" });
    await next.delete(old.id, old.outputs, NATIVE_OWNER);
    expect((await api!.client.list()).map((c) => String(c.id))).toEqual([replacement.id]);
    // A refresh diffs without checking: the resource left the program, and its delete goes on.
    const later = runtimeAt(api!.server.url).runtime;
    later.diff(replacement.id, replacement.outputs, { ...current, apiKey: "k", apiSecret: "new-secret" });
    await later.delete(replacement.id, replacement.outputs, NATIVE_OWNER);
    expect(await api!.client.list()).toEqual([]);
  });
});

describe("creates that meet this resource's own marks", () => {
  it("never take over a configuration this operation deleted (its list was taken before the delete)", async () => {
    const old = await made();
    await remove(old.id, old.outs); // lists the organization, then deletes
    const again = await create({ ...declared({ v: "1" }), apiKey: "live-key-4e2a", apiSecret: "live-secret-8b0f" });
    expect(again.id).not.toBe(old.id);
    expect((await api!.client.list()).map((c) => String(c.id))).toEqual([again.id]);
  });

  it("an import is adopted even when a configuration this resource left behind exists", async () => {
    await made();
    const target = await api!.client.create({ name: "Target", provider: 3 });
    const adopted = await create({
      ...declared({ v: "1" }),
      name: "Target",
      meta: {},
      apiKey: "k",
      apiSecret: "s",
      importId: target.id,
    });
    expect(adopted.id).toBe(String(target.id));
    expect((await api!.client.list()).length).toBe(2);
  });
});

describe("ProviderConfiguration refuses deleteBeforeReplace", () => {
  it("before registering anything: the old configuration would go first, with the secrets its replacement carries over", async () => {
    await pulumi.runtime.setMocks(
      { newResource: () => ({ id: "1", state: {} }), call: () => ({}) },
      "telephony-config",
      "test",
    );
    expect(
      () => new ProviderConfiguration("prod", { name: "Prod", provider: 3 }, { deleteBeforeReplace: true }),
    ).toThrow(
      "prod: deleteBeforeReplace is not supported: a replacement creates the new configuration first, then deletes the old one",
    );
  });
});
