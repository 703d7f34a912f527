// Answers lost after the API did the work, and answers that are not the API's: the runtime finds out
// what happened (never simply repeats a create), and never takes a proxy's page or a bare 404 for
// "gone" or "done".
import { afterEach, describe, expect, it } from "vitest";
import type { ProviderRuntime } from "../../src/runtime/index.js";
import { startApi, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";
import { startProxy, type Proxy } from "../helpers/proxy.js";
import { declared, OWNER, runtimeAt } from "../helpers/runtime.js";

let api: Api | undefined;
let proxy: Proxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await api?.close();
  api = proxy = undefined;
});

const count = (a: Api, method: string) => a.server.requests.filter((r) => r.method === method).length;
const ITEM = /\/providers-configurations\/\d+\/?$/;

describe("an answer lost after the work was done", () => {
  it.each([
    ["reset", "lost"],
    ["502 page", "gateway"],
  ] as const)("a create whose answer is a %s is found by the organization's list, not sent again", async (_, fault) => {
    api = await startApi();
    const { runtime, notices } = runtimeAt(api.server.url);
    api.server.faults.inject(fault, 1, "POST");
    const created = await runtime.create(declared({ apiKey: "key-7f3a" }));
    expect(api.server.store.all().map((c) => String(c.id))).toEqual([created.id]);
    expect(count(api, "POST")).toBe(1);
    expect(created.outputs).toMatchObject({ name: "Prod", apiKey: "key-7f3a", instance: expect.any(String) });
    expect(notices).toEqual([expect.stringContaining("which this create made although its answer was lost")]);
    expect(notices.join()).not.toContain("key-7f3a");
  });

  it("a create whose answer and follow-up list are lost: an error; the next operation takes it over", async () => {
    api = await startApi();
    const first = runtimeAt(api.server.url).runtime;
    // Another resource's create lists the organization for the whole operation.
    await first.create(declared({ name: "Other", owner: { ...OWNER, resource: "other" } }));
    api.server.faults.inject("lost", 1, "POST");
    api.server.faults.inject("500", 1, "GET");
    const error = await caught(first.create(declared()));
    expect(error.message).toContain("the next `pulumi up` looks for it before creating anything");
    expect(count(api, "POST")).toBe(2);
    const { runtime, notices } = runtimeAt(api.server.url);
    const next = await runtime.create(declared());
    expect(api.server.store.all().map((c) => c.name)).toEqual(["Other", "Prod"]);
    expect(String(api.server.store.all()[1]!.id)).toBe(next.id);
    expect(count(api, "POST")).toBe(2);
    expect(notices).toEqual([
      expect.stringContaining("which this resource created in an earlier run whose answer was lost"),
    ]);
  });

  it("an update whose answer is lost is sent again (a PATCH repeated changes nothing more)", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    api.server.faults.inject("lost", 1, "PATCH");
    const updated = await runtimeAt(api.server.url).runtime.update(id, outputs, declared({ name: "Prod 2" }));
    expect(updated.outputs.name).toBe("Prod 2");
    expect(count(api, "PATCH")).toBe(2);
  });

  it.each(["lost", "gateway"] as const)(
    "a delete whose answer is %s: the API's 404 on the retry, confirmed by its list, means done",
    async (fault) => {
      api = await startApi();
      const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
      api.server.faults.inject(fault, 1, "DELETE");
      await runtimeAt(api.server.url).runtime.delete(id, outputs);
      expect(api.server.store.all()).toEqual([]);
      expect(count(api, "DELETE")).toBe(2);
    },
  );
});

describe("answers that are not the API's", () => {
  it("a proxy's 404 page: read and delete fail, never 'gone', and nothing is deleted", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    proxy = await startProxy(api.server.url, () => ({
      status: 404,
      contentType: "text/html",
      body: "<html><body>404 page not found</body></html>",
    }));
    // The same API at a new address, as the user says: each answer is still judged for itself.
    const config = { "telephony:formerApiUrls": api.server.url };
    for (const call of [
      (r: ProviderRuntime) => r.read(id, outputs),
      (r: ProviderRuntime) => r.delete(id, outputs),
      (r: ProviderRuntime) => r.update(id, outputs, declared()),
    ]) {
      const error = await caught(call(runtimeAt(proxy.url, config).runtime));
      expect(error.message).toContain("this answer is not from the Provider Configurations API");
    }
    expect(api.server.store.all().map((c) => String(c.id))).toEqual([id]);
  });

  it("a bare 404 from a wrong base path (the API's own envelope): not 'gone', as the list fails too", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    const staging = { "telephony:formerApiUrls": api.server.url };
    const read = await caught(runtimeAt(`${api.server.url}/staging`, staging).runtime.read(id, outputs));
    expect(read.message).toContain("the list that would confirm it is gone failed too, so it is not taken as deleted");
    const removed = await caught(runtimeAt(`${api.server.url}/staging`, staging).runtime.delete(id, outputs));
    expect(removed.message).toMatch(
      /404 Not Found.*\/staging\/api\/v2\/platform\/telephony\/providers-configurations\//,
    );
    expect(api.server.store.all().map((c) => String(c.id))).toEqual([id]);
  });

  it("an item URL routed elsewhere (a 404 for an id the list holds): an error, never 'gone'", async () => {
    api = await startApi();
    const { id, outputs } = await runtimeAt(api.server.url).runtime.create(declared());
    proxy = await startProxy(api.server.url, (req) =>
      ITEM.test(req.url ?? "")
        ? {
            status: 404,
            contentType: "application/json",
            body: JSON.stringify({ status_code: 404, message: "Not found.", data: {} }),
          }
        : undefined,
    );
    const config = { "telephony:formerApiUrls": api.server.url };
    const error = await caught(runtimeAt(proxy.url, config).runtime.read(id, outputs));
    expect(error.message).toContain(
      `yet configuration ${id} is in the organization's list: the item URL reaches something other than the API`,
    );
    await expect(runtimeAt(proxy.url, config).runtime.delete(id, outputs)).rejects.toThrow(
      "the item URL reaches something other than the API",
    );
    expect(api.server.store.all().map((c) => String(c.id))).toEqual([id]);
  });
});
