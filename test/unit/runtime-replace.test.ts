// The runtime's replacement paths over real HTTP, driven as the engine drives them: diff, then create
// and delete in either order. Secrets the declaration leaves out survive every order, or nothing is done.
import { afterEach, describe, expect, it } from "vitest";
import type { ConfigurationInputs, ConfigurationOutputs } from "../../src/provider/mapping.js";
import { configure, create, diff, remove } from "../../src/provider/runtime.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const owner = { stack: "telephony-config/test", resource: "prod" };
const declared = (meta: Record<string, string>): ConfigurationInputs => ({ name: "Prod", provider: 3, meta, owner });

async function made(): Promise<{ id: string; outs: ConfigurationOutputs }> {
  api = await startApi();
  const settings: Record<string, string> = { "telephony:apiUrl": api.server.url, "telephony:apiToken": TOKEN, "telephony:orgHandle": "dev-org", "telephony:productId": "1" };
  configure({ config: { get: (k: string) => settings[k] } } as never);
  const { id, outs } = await create(declared({ v: "1" }));
  await api.client.update(Number(id), { api_key: "live-key-4e2a", api_secret: "live-secret-8b0f" });
  // The replacement is a later operation: a new provider process, configured afresh.
  configure({ config: { get: (k: string) => settings[k] } } as never);
  return { id, outs: outs as ConfigurationOutputs };
}

describe("a replacement of a configuration whose secrets are not declared", () => {
  it("delete-before-replace: the delete that would come first is refused, and the configuration keeps its secrets", async () => {
    const old = await made();
    expect((await diff(old.id, old.outs, declared({ v: "2" }))).replaces).toEqual(["meta"]);
    const error = await caught(remove(old.id, old.outs));
    expect(error.message).toContain(`configuration ${old.id} ("Prod") was not deleted: it is replaced with deleteBeforeReplace, and deleting it first would lose its live apiKey and apiSecret`);
    expect(error.message).not.toContain("live-key-4e2a");
    expect(await api!.client.get(Number(old.id))).toMatchObject({ api_key: "live-key-4e2a", api_secret: "live-secret-8b0f" });
  });

  it("create before delete: the new configuration carries them, then the old one is deleted", async () => {
    const old = await made();
    await diff(old.id, old.outs, declared({ v: "2" }));
    const next = await create(declared({ v: "2" }));
    expect(next.outs).not.toHaveProperty("apiKey");
    expect(await api!.client.get(Number(next.id))).toMatchObject({ api_key: "live-key-4e2a", api_secret: "live-secret-8b0f" });
    await remove(old.id, old.outs);
    expect((await api!.client.list()).map((c) => c.id)).toEqual([Number(next.id)]);
  });
});
