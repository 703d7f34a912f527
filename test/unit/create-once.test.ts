// createOnce against the local API server over real HTTP, with its faults that lose an answer after
// the work is done: every path of a create whose outcome is unknown.
import { afterEach, describe, expect, it } from "vitest";
import type { CreateConfigurationInput } from "../../src/client/index.js";
import { createOnce, type CreateOnceContext } from "../../src/provider/create-once.js";
import { startApi, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";

const body: CreateConfigurationInput = { name: "Twilio Support", provider: 3, active: true, api_key: "key-1a2b", base_url: null, sip_url: "", meta_json: [] };

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function context(a: Api, known: number[] = []) {
  const held = new Set(known);
  const notices: string[] = [];
  const ctx: CreateOnceContext = {
    client: a.client,
    before: () => a.client.list(),
    isKnown: (id) => held.has(id),
    claim: (id) => void held.add(id),
    notice: (message) => void notices.push(message),
  };
  return { ctx, held, notices };
}
const posts = (a: Api) => a.server.requests.filter((r) => r.method === "POST").length;

describe("createOnce over real HTTP", () => {
  it("creates when nothing matches, and claims the id", async () => {
    api = await startApi();
    await api.client.create({ ...body, api_key: "another-key" }); // same but for the secret
    const { ctx, held, notices } = context(api);
    const created = await createOnce(body, ctx);
    expect(held.has(created.id)).toBe(true);
    expect(notices).toEqual([]);
    expect(posts(api)).toBe(2);
  });

  it("takes over what an earlier run created without hearing back: no POST", async () => {
    api = await startApi();
    const earlier = await api.client.create(body);
    const { ctx, notices } = context(api);
    expect((await createOnce(body, ctx)).id).toBe(earlier.id);
    expect(posts(api)).toBe(1);
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^took over configuration ${earlier.id} \\("Twilio Support"\\)`))]);
    expect(notices.join()).not.toContain("key-1a2b");
  });

  it("never takes over an id a resource of the stack holds", async () => {
    api = await startApi();
    const held = await api.client.create(body);
    const created = await createOnce(body, context(api, [held.id]).ctx);
    expect(created.id).not.toBe(held.id);
  });

  it("refuses when several configurations match, naming them, and creates nothing", async () => {
    api = await startApi();
    const [a, b] = [await api.client.create(body), await api.client.create(body)];
    const error = await caught(createOnce(body, context(api).ctx));
    expect(error.message).toContain(`2 live configurations (ids ${a.id}, ${b.id}) are exactly what "Twilio Support" would be`);
    expect(error.message).toContain("import: <id>");
    expect(posts(api)).toBe(2);
  });

  it.each(["lost", "gateway"] as const)("a create whose answer is %s is found by a list, not repeated", async (fault) => {
    api = await startApi();
    const { ctx, notices } = context(api);
    api.server.faults.inject(fault, 1, "POST");
    const created = await createOnce(body, { ...ctx, before: async () => [] });
    expect(api.server.store.all().map((c) => c.id)).toEqual([created.id]);
    expect(posts(api)).toBe(1);
    expect(notices).toEqual([expect.stringContaining("which was created although the answer to the create was lost")]);
  });

  it("a lost answer whose follow-up list fails too: an error that says the next run looks first, and no second POST", async () => {
    api = await startApi();
    api.server.faults.inject("lost", 1, "POST");
    api.server.faults.inject("500", 1, "GET");
    const error = await caught(createOnce(body, { ...context(api).ctx, before: async () => [] }));
    expect(error.message).toMatch(/Listing the configurations to find out failed too .*500.*the next `pulumi up` looks for it before creating anything/);
    expect(posts(api)).toBe(1);
    // The next run's list finds it and takes it over.
    const next = context(api);
    expect((await createOnce(body, next.ctx)).id).toBe(api.server.store.all()[0]!.id);
    expect(posts(api)).toBe(1);
  });

  it("a create dropped before the work: the list proves it was not made; an error, no blind repeat", async () => {
    api = await startApi();
    api.server.faults.inject("drop", 1, "POST");
    const error = await caught(createOnce(body, { ...context(api).ctx, before: async () => [] }));
    expect(error.message).toContain("It is not among the organization's configurations yet, so it was probably not created");
    expect(api.server.store.all()).toEqual([]);
  });

  it("does not create when it cannot list first", async () => {
    api = await startApi();
    api.server.faults.inject("500", 1, "GET");
    const error = await caught(createOnce(body, context(api).ctx));
    expect(error.message).toMatch(/could not check whether "Twilio Support" was already created .* so it was not created/);
    expect(posts(api)).toBe(0);
  });
});
