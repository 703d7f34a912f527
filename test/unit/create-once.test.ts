// createOnce against the local API server over real HTTP, with its faults that lose an answer after
// the work is done: every path of a create whose outcome is unknown.
import { afterEach, describe, expect, it } from "vitest";
import { createOnce, type CreateOnceContext } from "../../src/runtime/create-once.js";
import { Listing } from "../../src/runtime/listing.js";
import { toCreateBody, type ConfigurationInputs, type Mark } from "../../src/model/index.js";
import { startApi, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";

const mark: Mark = { stack: "telephony/a", resource: "twilio", create: "nonce-1" };
/** What the resource declares: createOnce's input. */
const body: ConfigurationInputs = { name: "Twilio Support", provider: 3, active: true, apiKey: "key-1a2b", meta: {} };
/** The POST body of `inputs` (the declaration unless given), carrying mark `m`. */
const marked = (m: Mark, inputs: ConfigurationInputs = body) => toCreateBody(inputs, m);

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
    await api.client.create(toCreateBody(body)); // the same, without a mark
    const { ctx, held, notices } = context(api);
    const created = await createOnce(body, mark, ctx);
    expect(held.has(created.id)).toBe(true);
    expect(created.meta_json).toEqual(marked(mark).meta_json);
    expect(notices).toEqual([]);
    expect(posts(api)).toBe(2);
  });

  // An earlier run cut off before its state recorded its creates, and the declarations changed before
  // the next run: creating again would leave the earlier one behind, a duplicate.
  it.each<[string, ConfigurationInputs]>([
    ["another secret", { ...body, apiKey: "key-old" }],
    ["another SIP URL and name", { ...body, name: "Twilio (old)", sipUrl: "sip:old@example.com" }],
    ["inactive", { ...body, active: false }],
  ])(
    "takes over an earlier run's create of this resource made from an earlier declaration (%s) and PATCHes it: no POST",
    async (_, earlierDeclaration) => {
      api = await startApi();
      const earlier = await api.client.create(marked({ ...mark, create: "earlier-run" }, earlierDeclaration));
      const { ctx, held, notices } = context(api);
      const taken = await createOnce(body, mark, ctx);
      expect(taken.id).toBe(earlier.id);
      expect(held.has(earlier.id)).toBe(true);
      expect(posts(api)).toBe(1);
      expect(api.server.store.all()).toMatchObject([
        { id: earlier.id, name: "Twilio Support", api_key: "key-1a2b", active: true, sip_url: "" },
      ]);
      expect(notices).toEqual([
        `took over configuration ${earlier.id} ("${earlierDeclaration.name}"), which this resource created in an earlier run whose state never recorded it, and updated it to the declaration; nothing was created twice`,
      ]);
    },
  );

  it("an undeclared secret an earlier run's create holds (carried over by a replacement) is neither compared nor sent: taken over as it is", async () => {
    api = await startApi();
    const undeclared = { ...body, apiKey: undefined };
    const earlier = await api.client.create(
      marked({ ...mark, create: "earlier-run" }, { ...undeclared, apiKey: "carried" }),
    );
    const { ctx, notices } = context(api);
    expect((await createOnce(undeclared, mark, ctx)).id).toBe(earlier.id);
    expect(api.server.requests.filter((r) => r.method !== "GET").map((r) => r.method)).toEqual(["POST"]);
    expect(api.server.store.all()).toMatchObject([{ id: earlier.id, api_key: "carried" }]);
    expect(notices).toEqual([
      expect.stringContaining("which this resource created in an earlier run whose answer was lost"),
    ]);
  });

  it.each<[string, ConfigurationInputs, string]>([
    ["another meta", { ...body, meta: { region: "eu" } }, "meta"],
    ["another provider", { ...body, provider: 4 }, "provider"],
  ])(
    "refuses an earlier run's create of this resource with %s, which only a new configuration could change: nothing created",
    async (_, earlierDeclaration, field) => {
      api = await startApi();
      const earlier = await api.client.create(marked({ ...mark, create: "earlier-run" }, earlierDeclaration));
      const error = await caught(createOnce(body, mark, context(api).ctx));
      expect(error.message).toContain(
        `configuration ${earlier.id} ("Twilio Support") carries the mark of "Twilio Support", held by no resource: a create of an earlier run whose state never recorded it`,
      );
      expect(error.message).toContain(`Its ${field} differ from the declaration`);
      expect(error.message).not.toContain("key-1a2b");
      expect(posts(api)).toBe(1);
    },
  );

  it("refuses several earlier creates of this resource that differ from the declaration, naming them: nothing created or taken", async () => {
    api = await startApi();
    const old = { ...body, sipUrl: "sip:old@example.com" };
    const [a, b] = [
      await api.client.create(marked({ ...mark, create: "x" }, old)),
      await api.client.create(marked({ ...mark, create: "y" }, old)),
    ];
    const error = await caught(createOnce(body, mark, context(api).ctx));
    expect(error.message).toContain(`2 live configurations (ids ${a.id}, ${b.id}) carry the mark of "Twilio Support"`);
    expect(api.server.requests.filter((r) => r.method !== "GET").length).toBe(2);
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
    const hand = await api.client.create({ ...marked(mark), meta_json: [] });
    expect((await createOnce(body, mark, context(api).ctx)).id).not.toBe(hand.id);
  });

  it("a lost answer is matched by this create's nonce: the same resource's earlier create is not taken for it", async () => {
    api = await startApi();
    const earlierNonce = await api.client.create(marked({ ...mark, create: "earlier" }));
    api.server.faults.inject("lost", 1, "POST");
    const { ctx } = context(api, [earlierNonce.id]);
    const created = await createOnce(body, mark, { ...ctx, before: async () => new Listing([]) });
    expect(created.id).not.toBe(earlierNonce.id);
    expect(created.meta_json).toEqual(marked(mark).meta_json);
  });

  it("never takes over an id a resource of the stack holds", async () => {
    api = await startApi();
    const held = await api.client.create(marked(mark));
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
