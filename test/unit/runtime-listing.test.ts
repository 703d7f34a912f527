// The operation's list, indexed once: lookups by id and by mark (table-driven), and what an operation
// over many configurations costs in mark parses, over real HTTP. A create or write that scanned the
// list and parsed its marks again would cost n × m parses for n resources in an organization of m;
// the counts below catch that without timing anything.
import { afterEach, describe, expect, it, vi } from "vitest";
import { COLLECTION_PATH, type Configuration, type MetaEntry } from "../../src/client/contract.js";
import { markEntry, markValue } from "../../src/model/index.js";
import { Listing } from "../../src/runtime/listing.js";
import { startApi, type Api } from "../helpers/api.js";
import { startProxy, type Proxy } from "../helpers/proxy.js";
import { declared, OWNER, runtimeAt } from "../helpers/runtime.js";

const STACK = "telephony-config/test";
const configuration = (id: number, meta_json: MetaEntry[] = []): Configuration => ({
  id,
  name: `c${id}`,
  provider: 3,
  provider_details: null,
  org_handle: "dev-org",
  meta_json,
  active: true,
  api_key: null,
  api_secret: null,
  base_url: null,
  sip_url: null,
});
const marked = (id: number, resource: string, stack = STACK, create = `n${id}`) =>
  configuration(id, [markEntry({ stack, resource, create })]);

describe("Listing", () => {
  const list = [
    marked(1, "a"),
    marked(2, "old-a"),
    configuration(3),
    marked(4, "a", "telephony-config/other"),
    configuration(5, [{ meta_key: "telephony-config:owner", meta_value: "not a mark" }]),
    marked(6, "a", STACK, "again"),
    marked(7, "b"),
    configuration(7, [{ meta_key: "k", meta_value: "second of id 7" }]),
  ];
  const listing = new Listing(list);

  it.each([
    [1, "c1"],
    [3, "c3"],
    [7, "c7"],
    [8, undefined],
  ])("byId(%i) is the first listed of that id: %s", (id, name) => {
    expect(listing.byId(id)?.name).toBe(name);
    if (id === 7) expect(listing.byId(id)).toBe(list[6]);
  });

  it.each([
    [STACK, ["a"], [1, 6]],
    [STACK, ["old-a", "a"], [1, 2, 6]],
    [STACK, ["a", "a"], [1, 6]],
    [STACK, ["b"], [7]],
    [STACK, ["c"], []],
    ["telephony-config/other", ["a"], [4]],
    ["telephony-config/none", ["a"], []],
  ])("markedBy(%s, %j): ids %j, in the list's order, each with its mark", (stack, resources, ids) => {
    const found = listing.markedBy(stack, resources);
    expect(found.map((m) => m.configuration.id)).toEqual(ids);
    for (const { configuration: c, mark } of found) expect(markValue(mark)).toBe(c.meta_json[0]!.meta_value);
  });
});

describe("an operation over many configurations parses each listed mark once", () => {
  let api: Api | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await api?.close();
    api = undefined;
  });

  /** The organization holds `count` configurations of another stack, with their marks. */
  async function organizationOf(count: number): Promise<Api> {
    const a = await startApi();
    for (let i = 0; i < count; i++)
      await a.client.create({
        name: `Theirs ${i}`,
        provider: 3,
        meta_json: [markEntry({ stack: "telephony-config/other", resource: `r${i}`, create: `n${i}` })],
      });
    return a;
  }

  /** Counts the mark values JSON.parse is handed while `work` runs. */
  async function markParses(work: () => Promise<unknown>): Promise<number> {
    const parse = JSON.parse;
    let count = 0;
    vi.spyOn(JSON, "parse").mockImplementation((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      if (typeof text === "string" && text.startsWith('{"stack":')) count++;
      return parse(text, reviver);
    });
    await work();
    vi.restoreAllMocks();
    return count;
  }

  const owned = (i: number) => declared({ name: `Ours ${i}`, owner: { ...OWNER, resource: `ours-${i}` } });

  it.each([
    [4, 10],
    [16, 10],
    [16, 40],
  ])("%i creates into an organization of %i: each of its marks once", async (creates, others) => {
    api = await organizationOf(others);
    const { runtime } = runtimeAt(api.server.url);
    const parses = await markParses(() =>
      Promise.all(Array.from({ length: creates }, (_, i) => runtime.create(owned(i)))),
    );
    expect(parses).toBe(others);
  });

  it.each([
    [4, 10],
    [16, 40],
  ])("%i updates and deletes among %i others: each listed mark once per operation", async (count, others) => {
    api = await organizationOf(others);
    const made = await Promise.all(
      Array.from({ length: count }, (_, i) => runtimeAt(api!.server.url).runtime.create(owned(i))),
    );
    const updating = runtimeAt(api.server.url).runtime;
    const updates = await markParses(() =>
      Promise.all(
        made.map(({ id, outputs }, i) => updating.update(id, outputs, { ...owned(i), name: `Renamed ${i}` })),
      ),
    );
    // The update compares the live mark with the state's by value: only the list's are parsed.
    expect(updates).toBe(others + count);
    const deleting = runtimeAt(api.server.url).runtime;
    const deletes = await markParses(() => Promise.all(made.map(({ id, outputs }) => deleting.delete(id, outputs))));
    expect(deletes).toBe(others + count);
    expect((await api.client.list()).length).toBe(others);
  });
});

describe("configurations deleted out of band, in one operation", () => {
  let api: Api | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  const lists = (a: Api) => a.server.requests.filter((r) => r.method === "GET" && r.path === COLLECTION_PATH).length;
  const owned = (i: number) => declared({ name: `Ours ${i}`, owner: { ...OWNER, resource: `ours-${i}` } });

  it.each([1, 4, 16])(
    "%i refreshed: each proved gone by its 404 and the one list of the organization",
    async (count) => {
      api = await startApi();
      const made = await Promise.all(
        Array.from({ length: count + 1 }, (_, i) => runtimeAt(api!.server.url).runtime.create(owned(i))),
      );
      for (const { id } of made.slice(1)) await api.client.delete(Number(id));
      const listsBefore = lists(api);
      const refreshing = runtimeAt(api.server.url).runtime;
      const read = await Promise.all(made.map(({ id, outputs }) => refreshing.read(id, outputs)));
      expect(read.map((r) => r?.outputs.name)).toEqual(["Ours 0", ...Array<undefined>(count).fill(undefined)]);
      expect(lists(api) - listsBefore).toBe(1);
    },
  );

  it("one deleted after the operation listed it is listed again: the later list proves it gone", async () => {
    api = await startApi();
    const [a, b] = await Promise.all([0, 1].map((i) => runtimeAt(api!.server.url).runtime.create(owned(i))));
    const operation = runtimeAt(api.server.url).runtime;
    await api.client.delete(Number(a!.id));
    expect(await operation.read(a!.id, a!.outputs)).toBeUndefined(); // lists: a is not there
    await api.client.delete(Number(b!.id)); // b is in the operation's list, gone since
    const listsBefore = lists(api);
    expect(await operation.read(b!.id, b!.outputs)).toBeUndefined();
    expect(lists(api) - listsBefore).toBe(1);
  });

  it("one this operation created after its list, answered 404 by an item URL routed elsewhere, is listed again: not gone", async () => {
    api = await startApi();
    const misrouted = new Set<string>();
    const proxy: Proxy = await startProxy(api.server.url, (req) =>
      req.method === "GET" && misrouted.has(req.url ?? "")
        ? { status: 404, contentType: "application/json", body: '{"status_code":404,"message":"Not found.","data":{}}' }
        : undefined,
    );
    try {
      const operation = runtimeAt(proxy.url).runtime;
      await operation.create(owned(0)); // the operation lists its organization here
      const younger = await operation.create(owned(1));
      misrouted.add(`${COLLECTION_PATH}${younger.id}/`);
      await expect(operation.read(younger.id, younger.outputs)).rejects.toThrow(
        `yet configuration ${younger.id} is in the organization's list: the item URL reaches something other than the API`,
      );
      expect((await api.client.list()).map((c) => c.id)).toContain(Number(younger.id));
    } finally {
      await proxy.close();
    }
  });
});
