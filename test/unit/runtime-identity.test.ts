// The do-no-harm guards in-process: a configuration is written only where its state says it lives,
// only when it is still the one the state holds, and one configuration has one resource.
import { afterEach, describe, expect, it } from "vitest";
import { markEntry } from "../../src/model/index.js";
import { normaliseApiUrl } from "../../src/settings/settings.js";
import { startApi, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";
import { declared, OWNER, runtimeAt, writes } from "../helpers/runtime.js";

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("another API recorded in the state", () => {
  it("is refused by diff, and nothing is sent to either API by read, update or delete", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    const elsewhere = { ...outputs, apiUrl: "https://api.elsewhere.example" };
    const before = api.server.requests.length;
    const { runtime } = runtimeAt(api.server.url);
    expect(() => runtime.diff(id, elsewhere, declared())).toThrow(
      `configuration ${id} ("Prod") lives at the API at https://api.elsewhere.example (recorded in the stack's state), ` +
        `but telephony:apiUrl is now ${normaliseApiUrl(api.server.url)}: nothing was sent to either.`,
    );
    for (const call of [
      () => runtime.read(id, elsewhere),
      () => runtime.update(id, elsewhere, declared({ name: "X" })),
      () => runtime.delete(id, elsewhere),
    ]) {
      expect((await caught(call())).message).toContain("nothing was sent to either");
    }
    expect(api.server.requests.length).toBe(before);
  });

  it("a former address of the same API is recorded anew, once the configuration there is proved to be this one", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    const former = { ...outputs, apiUrl: "https://old.example" };
    const { runtime } = runtimeAt(api.server.url, { "telephony:formerApiUrls": "https://old.example" });
    expect(runtime.diff(id, former, declared())).toEqual([{ field: "apiUrl", kind: "update" }]);
    const updated = await runtime.update(id, former, declared());
    expect(updated.outputs.apiUrl).toBe(normaliseApiUrl(api.server.url));
    expect(writes(api).map((r) => r.method)).toEqual(["POST"]);
  });
});

describe("another organization configured", () => {
  it("replaces the configuration (diff), carries its undeclared secrets there, and deletes the old one where it lives", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    await api.client.update(Number(id), { api_key: "live-key-61c0" });
    const { runtime, notices } = runtimeAt(api.server.url, { "telephony:orgHandle": "other-org" });
    expect(runtime.diff(id, outputs, declared())).toEqual([{ field: "orgHandle", kind: "replace" }]);
    expect(notices).toEqual([
      `Prod: telephony:orgHandle is now other-org: configuration ${id} is replaced by a new one there, then deleted in dev-org`,
      `Prod: the replacement of configuration ${id} carries its live apiKey and apiSecret over (not declared; read at the replacement, never stored)`,
    ]);
    const next = await runtime.create(declared());
    expect(next.outputs).toMatchObject({ orgHandle: "other-org" });
    expect(await api.client.inOrganization("other-org").get(Number(next.id))).toMatchObject({
      name: "Prod",
      api_key: "live-key-61c0",
    });
    await runtime.delete(id, outputs);
    expect(await api.client.list()).toEqual([]);
  });
});

describe("an id that no longer holds this resource's configuration", () => {
  it("a reused id holding another configuration is never read into the state, updated or deleted", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    // The configuration is replaced behind the stack's back by another stack's, at the same id.
    const theirs = markEntry({ stack: "telephony-config/other", resource: "prod", create: "theirs" });
    api.server.store.replace({ ...api.server.store.get(Number(id))!, name: "Theirs", meta_json: [theirs] });
    for (const call of [
      () => runtimeAt(api!.server.url).runtime.read(id, outputs),
      () => runtimeAt(api!.server.url).runtime.update(id, outputs, declared({ name: "Mine" })),
      () => runtimeAt(api!.server.url).runtime.delete(id, outputs),
    ]) {
      const error = await caught(call());
      expect(error.message).toContain(`configuration ${id} in organization dev-org`);
      expect(error.message).toContain(
        `is not the one "Prod" holds: it carries the ownership mark of resource "prod" of stack telephony-config/other, not the one this resource's create wrote. Nothing was written to it.`,
      );
    }
    expect(writes(api).map((r) => r.method)).toEqual(["POST"]);
    expect(api.server.store.get(Number(id))).toMatchObject({ name: "Theirs" });
  });

  it("an adopted (unmarked) configuration whose provider changed is another one", async () => {
    api = await startApi();
    const hand = await api.client.create({ name: "Hand", provider: 3 });
    const { runtime } = runtimeAt(api.server.url);
    const adopted = await runtime.create(declared({ name: "Hand", importId: hand.id }));
    api.server.store.replace({ ...api.server.store.get(hand.id)!, provider: 4 });
    await expect(runtimeAt(api.server.url).runtime.delete(adopted.id, adopted.outputs)).rejects.toThrow(
      "its provider is 4, not 3, and a provider never changes in place",
    );
    expect(api.server.store.get(hand.id)).toBeDefined();
  });
});

describe("look-alikes", () => {
  it("a create never takes over a look-alike without this resource's mark: it creates its own", async () => {
    api = await startApi();
    const hand = await api.client.create({ name: "Prod", provider: 3, active: true, sip_url: "", meta_json: [] });
    const other = await api.client.create({
      name: "Prod",
      provider: 3,
      meta_json: [markEntry({ ...OWNER, stack: "telephony-config/other", create: "x" })],
    });
    const created = await runtimeAt(api.server.url).runtime.create(declared());
    expect([hand.id, other.id]).not.toContain(Number(created.id));
    expect(api.server.store.all().length).toBe(3);
  });

  it("an import of a configuration another stack marked is refused, naming whose it is", async () => {
    api = await startApi();
    const theirs = await api.client.create({
      name: "Theirs",
      provider: 3,
      meta_json: [markEntry({ stack: "telephony-config/other", resource: "prod", create: "x" })],
    });
    const error = await caught(runtimeAt(api.server.url).runtime.create(declared({ importId: theirs.id })));
    expect(error.message).toBe(
      `cannot adopt configuration ${theirs.id} ("Theirs"): it is managed by resource "prod" of stack telephony-config/other (its ownership mark), and never taken from it.`,
    );
    expect(writes(api).length).toBe(1);
  });
});

describe("one holder per configuration", () => {
  it("check refuses an import of an id another resource of the stack holds, naming both", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    const { runtime } = runtimeAt(api.server.url);
    runtime.diff(id, outputs, declared());
    const imported = { ...declared({ importId: Number(id) }), owner: { ...OWNER, resource: "copy" } };
    expect(runtime.check({}, imported as unknown as Record<string, unknown>)).toEqual([
      {
        property: "importId",
        reason: `configuration ${id} is held by resource "prod" of this stack, and one configuration has one resource: to rename "prod" to "copy", declare formerKeys: [prod] instead of import`,
      },
    ]);
    await expect(runtime.create(imported)).rejects.toThrow(
      `cannot adopt configuration ${id}: another resource of this stack manages it`,
    );
  });

  it("a configuration another resource took over (a renamed key) is not deleted for the old one", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    const { runtime, notices } = runtimeAt(api.server.url);
    // The new key's state holds the configuration under another instance.
    runtime.diff(id, { ...outputs, instance: "renamed" }, declared({ owner: { ...OWNER, resource: "renamed" } }));
    await runtime.delete(id, outputs);
    expect(notices).toEqual([
      `configuration ${id} is held by another resource of this stack: removed from the state of the old one, not deleted`,
    ]);
    expect(api.server.store.get(Number(id))).toBeDefined();
  });
});
