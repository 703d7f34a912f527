// createOnce against the local API server over real HTTP, with its faults that lose an answer after
// the work is done: every path of a create whose outcome is unknown.
import { afterEach, describe, expect, it } from "vitest";
import type { CreateConfigurationInput } from "../../src/client/index.js";
import { createOnce, type CreateOnceContext } from "../../src/runtime/create-once.js";
import { Listing } from "../../src/runtime/listing.js";
import { markEntry, type Mark } from "../../src/model/index.js";
import { startApi, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";

const mark: Mark = { stack: "telephony/a", resource: "twilio", create: "nonce-1" };
const marked = (m: Mark): CreateConfigurationInput => ({
  name: "Twilio Support",
  provider: 3,
  active: true,
  api_key: "key-1a2b",
  base_url: null,
  sip_url: "",
  meta_json: [markEntry(m)],
});
const body = marked(mark);

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
    before: async () => new Listing(await a.client.list()),
    isKnown: (id) => held.has(id),
    hold: (id) => void held.add(id),
    notice: (message) => void notices.push(message),
  };
  return { ctx, held, notices };
}
const posts = (a: Api) => a.server.requests.filter((r) => r.method === "POST").length;

describe("createOnce over real HTTP", () => {
  it("creates when nothing matches, and holds the id", async () => {
    api = await startApi();
    await api.client.create({ ...body, api_key: "another-key" }); // same but for the secret
    const { ctx, held, notices } = context(api);
    const created = await createOnce(body, mark, ctx);
    expect(held.has(created.id)).toBe(true);
    expect(notices).toEqual([]);
    expect(posts(api)).toBe(2);
  });

  it("takes over what an earlier run created without hearing back: no POST", async () => {
    api = await startApi();
    // An earlier run's create of this resource: its own nonce, lost with that run.
    const earlier = await api.client.create(marked({ ...mark, create: "earlier-run" }));
    const { ctx, notices } = context(api);
    expect((await createOnce(body, mark, ctx)).id).toBe(earlier.id);
    expect(posts(api)).toBe(1);
    expect(notices).toEqual([
      expect.stringMatching(new RegExp(`^took over configuration ${earlier.id} \\("Twilio Support"\\)`)),
    ]);
    expect(notices.join()).not.toContain("key-1a2b");
  });

  it.each([
    ["another stack's look-alike", { ...mark, stack: "telephony/b" }],
    ["another resource's look-alike in this stack", { ...mark, resource: "twilio-2" }],
  ])("never takes over %s: it creates its own", async (_, other) => {
    api = await startApi();
    const theirs = await api.client.create(marked({ ...other, create: "theirs" }));
    const created = await createOnce(body, mark, context(api).ctx);
    expect(created.id).not.toBe(theirs.id);
    expect(posts(api)).toBe(2);
  });

  it("never takes over an unmarked look-alike (made by hand or by an earlier release)", async () => {
    api = await startApi();
    const hand = await api.client.create({ ...body, meta_json: [] });
    expect((await createOnce(body, mark, context(api).ctx)).id).not.toBe(hand.id);
  });

  it("a lost answer is matched by this create's nonce: the same resource's earlier create is not taken for it", async () => {
    api = await startApi();
    const earlierNonce = await api.client.create(marked({ ...mark, create: "earlier" }));
    api.server.faults.inject("lost", 1, "POST");
    const { ctx } = context(api, [earlierNonce.id]);
    const created = await createOnce(body, mark, { ...ctx, before: async () => new Listing([]) });
    expect(created.id).not.toBe(earlierNonce.id);
    expect(created.meta_json).toEqual(body.meta_json);
  });

  it("never takes over an id a resource of the stack holds", async () => {
    api = await startApi();
    const held = await api.client.create(body);
    const created = await createOnce(body, mark, context(api, [held.id]).ctx);
    expect(created.id).not.toBe(held.id);
  });

  it("refuses when several configurations match, naming them, and creates nothing", async () => {
    api = await startApi();
    const [a, b] = [
      await api.client.create(marked({ ...mark, create: "x" })),
      await api.client.create(marked({ ...mark, create: "y" })),
    ];
    const error = await caught(createOnce(body, mark, context(api).ctx));
    expect(error.message).toContain(
      `2 live configurations (ids ${a.id}, ${b.id}) carry the mark of "Twilio Support" and are exactly what it would be`,
    );
    expect(error.message).toContain("import: <id>");
    expect(posts(api)).toBe(2);
  });

  it.each(["lost", "gateway"] as const)(
    "a create whose answer is %s is found by a list, not repeated",
    async (fault) => {
      api = await startApi();
      const { ctx, notices } = context(api);
      api.server.faults.inject(fault, 1, "POST");
      const created = await createOnce(body, mark, { ...ctx, before: async () => new Listing([]) });
      expect(api.server.store.all().map((c) => c.id)).toEqual([created.id]);
      expect(posts(api)).toBe(1);
      expect(notices).toEqual([expect.stringContaining("which this create made although its answer was lost")]);
    },
  );

  it("a lost answer whose follow-up list fails too: an error that says the next run looks first, and no second POST", async () => {
    api = await startApi();
    api.server.faults.inject("lost", 1, "POST");
    api.server.faults.inject("500", 1, "GET");
    const error = await caught(createOnce(body, mark, { ...context(api).ctx, before: async () => new Listing([]) }));
    expect(error.message).toMatch(
      /Listing the configurations to find out failed too .*500.*the next `pulumi up` looks for it before creating anything/,
    );
    expect(posts(api)).toBe(1);
    // The next run's list finds it and takes it over.
    const next = context(api);
    expect((await createOnce(body, mark, next.ctx)).id).toBe(api.server.store.all()[0]!.id);
    expect(posts(api)).toBe(1);
  });

  it("a create dropped before the work: the list proves it was not made; an error, no blind repeat", async () => {
    api = await startApi();
    api.server.faults.inject("drop", 1, "POST");
    const error = await caught(createOnce(body, mark, { ...context(api).ctx, before: async () => new Listing([]) }));
    expect(error.message).toContain(
      "It is not among the organization's configurations yet, so it was probably not created",
    );
    expect(api.server.store.all()).toEqual([]);
  });

  it("does not create when it cannot list first", async () => {
    api = await startApi();
    api.server.faults.inject("500", 1, "GET");
    const error = await caught(createOnce(body, mark, context(api).ctx));
    expect(error.message).toMatch(
      /could not check whether "Twilio Support" was already created .* so it was not created/,
    );
    expect(posts(api)).toBe(0);
  });
});
