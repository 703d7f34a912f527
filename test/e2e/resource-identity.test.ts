// A resource writes only to what it owns, through the real Pulumi CLI: its API (two local servers that
// share ids), its stack (two stacks of one project in one organization), its object (the mark at the
// id), and the secrets a replacement must not lose.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { markOf } from "../../src/model/index.js";
import { startApi, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";
import { runCli } from "../helpers/cli.js";
import { collect } from "../helpers/leaks.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

let s: TelephonyStack | undefined;
let other: Api | undefined;
afterEach(async () => {
  await s?.close();
  await other?.close();
  s = other = undefined;
});

const writes = (api: Api, from = 0) => api.server.requests.slice(from).filter((r) => r.method !== "GET");
const failure = (error: Error) => {
  const e = error as Error & { stdout?: string; stderr?: string };
  return `${e.message}${e.stdout ?? ""}${e.stderr ?? ""}`;
};
const exported = async (stack: TelephonyStack) => (await stack.t.cli(["stack", "export"])).stdout;
const trunk = (name = "Shared Trunk", extra = "") =>
  `configurations:\n  trunk:\n    name: ${name}\n    provider: 3\n    sipUrl: sip:trunk.example.com\n${extra}`;

describe("ProviderConfiguration through the real Pulumi CLI: identity", () => {
  it("a changed apiUrl never writes to another API, whose configuration has the same id", async () => {
    s = await telephonyStack();
    other = await startApi();
    const theirs = await other.client.create({
      name: "Other team prod",
      provider: 3,
      api_key: "other-key-91c4",
      api_secret: "other-secret-44d0",
    });
    const untouched = other.server.requests.length;
    await s.declare(trunk("Mine"));
    await s.stack.up();
    const [mine] = await s.api.client.list();
    expect(mine!.id).toBe(theirs.id);
    const bothApis = async () => [await s!.api.client.list(), await other!.client.list()];
    const before = await bothApis();

    await s.stack.setConfig("telephony:apiUrl", { value: other.server.url });
    // Until an up runs with it, refresh uses the settings of the last up: A's, where Mine lives.
    await s.stack.refresh();
    await s.declare(trunk("Mine, renamed"));
    const refused = `lives at the API at ${s.api.server.url} (recorded in the stack's state), but telephony:apiUrl is now ${other.server.url}: nothing was sent to either`;
    for (const operation of [() => s!.stack.preview(), () => s!.stack.up(), () => s!.stack.up({ refresh: true })]) {
      expect(failure(await caught(operation()))).toContain(refused);
    }
    expect(failure(await caught(s.t.cli(["destroy", "--yes", "--run-program"])))).toContain(refused);
    expect(await bothApis()).toEqual(before);
    expect(writes(other, untouched)).toEqual([]);

    // What to do, as the message says: the same API at a new address is named as such...
    const localhost = s.api.server.url.replace("127.0.0.1", "localhost");
    await s.stack.setConfig("telephony:apiUrl", { value: localhost });
    expect(failure(await caught(s.stack.preview()))).toContain(`but telephony:apiUrl is now ${localhost}`);
    await s.stack.setConfig("telephony:formerApiUrls", { value: JSON.stringify([s.api.server.url]) });
    await s.declare(trunk("Mine"));
    const from = s.api.server.requests.length;
    const moved = await s.stack.up();
    // ...and records it, with no write.
    expect(moved.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(writes(s.api, from)).toEqual([]);
    expect(await exported(s)).toContain(`"apiUrl": "${localhost}"`);
    await s.stack.preview({ expectNoChanges: true, refresh: true });
    await s.stack.destroy();
    expect(await s.api.client.list()).toEqual([]);
    expect(await other.client.list()).toEqual(before[1]);
  });

  it("an id that names another configuration is never written to, even at an address named as the same API", async () => {
    s = await telephonyStack();
    other = await startApi();
    const theirs = await other.client.create({
      name: "Other team prod",
      provider: 3,
      api_key: "other-key-91c4",
      sip_url: "sip:trunk.example.com",
    });
    const untouched = other.server.requests.length;
    await s.declare(trunk("Mine"));
    await s.stack.up();
    // A careless user says B is A at a new address: the mark at id 1 says otherwise, before the new
    // address is recorded, and before a change or a delete (with the current settings) is sent.
    await s.stack.setAllConfig({
      "telephony:apiUrl": { value: other.server.url },
      "telephony:formerApiUrls": { value: s.api.server.url },
    });
    const recording = () => s!.stack.up();
    const renaming = async () => {
      await s!.declare(trunk("Mine, renamed"));
      return s!.stack.up();
    };
    for (const operation of [recording, renaming, () => s!.t.cli(["destroy", "--yes", "--run-program"])]) {
      expect(failure(await caught(operation()))).toContain(
        `configuration ${theirs.id} in organization dev-org at ${other!.server.url} is not the one "Mine" holds: it carries no ownership mark, and the configuration this resource holds carries one. Nothing was written to it.`,
      );
    }
    expect(await other.client.list()).toEqual([theirs]);
    expect(writes(other, untouched)).toEqual([]);
  });

  it("state of an earlier release, which did not record the API: the API is recorded once the configuration there is proved to be the one last seen", async () => {
    s = await telephonyStack();
    other = await startApi();
    // Made by an earlier release: no mark on the configuration, no apiUrl in the state.
    const legacy = await s.api.client.create({ name: "Legacy", provider: 3 });
    const theirs = await other.client.create({ name: "Other team prod", provider: 3, api_key: "other-key-91c4" });
    await s.declare(`configurations:\n  legacy:\n    name: Legacy\n    provider: 3\n    import: ${legacy.id}\n`);
    await s.stack.up();
    const deployment = JSON.parse(await exported(s));
    for (const r of deployment.deployment.resources) delete r.outputs?.apiUrl;
    const file = join(s.project.dir, "earlier.json");
    writeFileSync(file, JSON.stringify(deployment));
    await s.t.cli(["stack", "import", "--file", file]);

    // Upgraded and pointed at another API at once: B's configuration 1 is not the one last seen.
    const untouched = other.server.requests.length;
    await s.stack.setConfig("telephony:apiUrl", { value: other.server.url });
    await s.declare(`configurations:\n  legacy:\n    name: Legacy, renamed\n    provider: 3\n`);
    const refused = `configuration ${legacy.id} in organization dev-org at ${other.server.url} is not the one "Legacy" holds: it carries no mark, and its name differ from what the stack's state last saw. Nothing was written to it. Its state comes from an earlier release`;
    // The failed up kept the new settings for refresh and destroy: they meet the same check.
    for (const operation of [() => s!.stack.up(), () => s!.stack.refresh(), () => s!.stack.destroy()])
      expect(failure(await caught(operation()))).toContain(refused);
    expect(await other.client.list()).toEqual([theirs]);
    expect(writes(other, untouched)).toEqual([]);

    // With the API it lives at, the upgrade records it, and the rename goes there.
    await s.stack.setConfig("telephony:apiUrl", { value: s.api.server.url });
    await s.stack.up();
    expect(await exported(s)).toContain(`"apiUrl": "${s.api.server.url}"`);
    expect(await s.api.client.list()).toEqual([{ ...legacy, name: "Legacy, renamed" }]);
    await s.stack.preview({ expectNoChanges: true, refresh: true });
  });

  it("a former address that is not the same API: an unmarked configuration at the id must be the one last seen, or nothing is written", async () => {
    s = await telephonyStack();
    other = await startApi();
    const ours = await s.api.client.create({ name: "Ours", provider: 3, sip_url: "sip:ours.example.com" });
    const theirs = await other.client.create({ name: "Theirs", provider: 3, api_key: "their-key-0c1e" });
    await s.declare(
      `configurations:\n  ours:\n    name: Ours\n    provider: 3\n    sipUrl: sip:ours.example.com\n    import: ${ours.id}\n`,
    );
    await s.stack.up();
    const untouched = other.server.requests.length;
    await s.stack.setAllConfig({
      "telephony:apiUrl": { value: other.server.url },
      "telephony:formerApiUrls": { value: s.api.server.url },
    });
    await s.declare(
      `configurations:\n  ours:\n    name: Ours\n    provider: 3\n    sipUrl: sip:ours.example.com\n    apiKey: \${env:TWILIO_API_KEY}\n`,
    );
    expect(failure(await caught(s.stack.up()))).toContain(
      `configuration ${theirs.id} in organization dev-org at ${other.server.url} is not the one "Ours" holds: it carries no mark, and its name, sipUrl differ from what the stack's state last saw`,
    );
    expect(await other.client.list()).toEqual([theirs]);
    expect(writes(other, untouched)).toEqual([]);
  });

  it("a replacement carries the live secrets the declaration leaves out; if it cannot read them, nothing changes", async () => {
    s = await telephonyStack();
    const hand = await s.api.client.create({
      name: "Prod Twilio",
      provider: 3,
      api_key: "prod-key-6a1d",
      api_secret: "prod-secret-0b7e",
    });
    const declared = (extra: string) =>
      `configurations:\n  prod:\n    name: Prod Twilio\n    provider: 3\n    import: ${hand.id}\n${extra}`;
    await s.declare(declared(""));
    await s.stack.up();

    // A meta change replaces it: preview says the secrets are carried over, without their values.
    await s.declare(declared("    meta: { region: eu }\n"));
    const preview = collect();
    await s.stack.preview({ onOutput: preview.onOutput });
    expect(preview.text()).toContain(
      `Prod Twilio: the replacement of configuration ${hand.id} carries its live apiKey and apiSecret over`,
    );
    expect(preview.text()).not.toContain("prod-key-6a1d");

    // The read that would carry them fails (every attempt of it): nothing is created, nothing deleted.
    s.api.server.faults.inject("500", 4, "GET");
    const from = s.api.server.requests.length;
    expect(failure(await caught(s.stack.up()))).toContain(
      `cannot replace configuration ${hand.id}: its live apiKey and apiSecret, which the declaration leaves out, could not be read`,
    );
    expect(writes(s.api, from)).toEqual([]);
    while (s.api.server.faults.pick("GET")); // what the failed run left of the script
    expect((await s.api.client.list()).map((c) => c.id)).toEqual([hand.id]);

    await s.stack.up();
    const [replaced] = await s.api.client.list();
    expect(replaced).toMatchObject({
      name: "Prod Twilio",
      provider: 3,
      api_key: "prod-key-6a1d",
      api_secret: "prod-secret-0b7e",
    });
    expect(replaced!.id).not.toBe(hand.id);
    expect(markOf(replaced!.meta_json)).toMatchObject({ resource: "prod" });

    // A provider change too; and neither secret ever entered the state.
    await s.declare(declared("    meta: { region: eu }\n").replace("provider: 3", "provider: 4"));
    await s.stack.up();
    const [again] = await s.api.client.list();
    expect(again).toMatchObject({ provider: 4, api_key: "prod-key-6a1d", api_secret: "prod-secret-0b7e" });
    expect(await exported(s)).not.toMatch(/prod-key-6a1d|prod-secret-0b7e/);
    await s.stack.preview({ expectNoChanges: true, refresh: true });

    // A replacement the engine forces is neither diffed nor read without --refresh, so the provider is not
    // told what it replaces: the configuration this resource marked, held by none, is kept as it is,
    // secrets and all, never replaced by one without them.
    const urn = (JSON.parse(await exported(s)).deployment.resources as Array<{ urn: string }>).find((r) =>
      r.urn.endsWith("::prod"),
    )!.urn;
    // `import` is read at a create: once its configuration is replaced, it goes from the declaration.
    await s.declare(
      declared("    meta: { region: eu }\n")
        .replace("provider: 3", "provider: 4")
        .replace(/ {4}import: \d+\n/, ""),
    );
    const forcedFrom = s.api.server.requests.length;
    await s.stack.up({ replace: [urn] });
    expect(writes(s.api, forcedFrom)).toEqual([]);
    expect(await s.api.client.list()).toEqual([again]);
    // With --refresh the provider reads what it replaces: replaced, its secrets carried over.
    await s.stack.up({ replace: [urn], refresh: true });
    const [forced] = await s.api.client.list();
    expect(forced!.id).not.toBe(again!.id);
    expect(forced).toMatchObject({ provider: 4, api_key: "prod-key-6a1d", api_secret: "prod-secret-0b7e" });
    expect(await s.api.client.list()).toHaveLength(1);
  });

  it("one id, one holder: an import of an id another resource holds is refused in preview and up, naming both", async () => {
    s = await telephonyStack();
    const hand = await s.api.client.create({ name: "Sales", provider: 3, api_key: "sales-key-2f8a" });
    // Adopted, then `import` dropped from the declaration (it is read only once): nothing marks it.
    await s.declare(`configurations:\n  twilio-sales:\n    name: Sales\n    provider: 3\n    import: ${hand.id}\n`);
    await s.stack.up();
    const sales = `configurations:\n  twilio-sales:\n    name: Sales\n    provider: 3\n`;
    await s.declare(
      `${sales}  twilio-sales-prod:\n    name: Sales\n    provider: 3\n    apiKey: \${env:TWILIO_API_KEY}\n    import: ${hand.id}\n`,
    );
    const held = async () =>
      (
        JSON.parse(await exported(s!)).deployment.resources as Array<{
          type: string;
          urn: string;
          id: string;
          outputs: unknown;
        }>
      )
        .filter((r) => r.type.endsWith(":ProviderConfiguration"))
        .map(({ urn, id, outputs }) => ({ urn, id, outputs }));
    const state = await held();
    const refused = `configuration ${hand.id} is held by resource "twilio-sales" of this stack, and one configuration has one resource: to rename "twilio-sales" to "twilio-sales-prod", declare formerKeys: [twilio-sales] instead of import`;
    for (const operation of [() => s!.stack.preview(), () => s!.stack.up()])
      expect(failure(await caught(operation()))).toContain(refused);
    expect(await held()).toEqual(state);
    expect(await s.api.client.list()).toEqual([hand]);
  });

  it("two stacks with identical declarations in one organization each hold their own, and never take the other's", async () => {
    s = await telephonyStack({ stackName: "a" });
    const b = await telephonyStack({ alongside: s, stackName: "b" });
    await s.declare(trunk());
    await s.stack.up();
    const [ofA] = await s.api.client.list();
    expect(markOf(ofA!.meta_json)).toMatchObject({ stack: expect.stringMatching(/\/a$/), resource: "trunk" });

    const out = collect();
    await b.stack.up({ onOutput: out.onOutput });
    expect(out.text()).not.toContain("took over");
    const both = await s.api.client.list();
    expect(both).toHaveLength(2);
    const ofB = both.find((c) => c.id !== ofA!.id)!;
    expect(markOf(ofB.meta_json)).toMatchObject({ stack: expect.stringMatching(/\/b$/) });

    // A nightly drift per stack passes: each names the other's configuration as managed by it.
    for (const [stack, mine, theirs] of [
      [s, ofA!, ofB],
      [b, ofB, ofA!],
    ] as const) {
      const drift = await runCli(["drift", "--stack", stack.t.stack.name, "--json"], {
        cwd: s.project.dir,
        env: stack.t.env,
      });
      expect(drift.code).toBe(0);
      const report = JSON.parse(drift.stdout);
      expect(report.configurations).toMatchObject([{ key: "trunk", id: mine.id, status: "in-sync" }]);
      expect(report.managedElsewhere).toEqual([
        { id: theirs.id, name: "Shared Trunk", provider: 3, stack: markOf(theirs.meta_json)!.stack, resource: "trunk" },
      ]);
    }

    // An explicit import of a's configuration by b is refused, naming the owner.
    await s.declare(
      `${trunk()}  taken:\n    name: Shared Trunk (b)\n    provider: 3\n    sipUrl: sip:trunk.example.com\n    import: ${ofA!.id}\n`,
    );
    expect(failure(await caught(b.stack.up()))).toMatch(
      new RegExp(
        `cannot adopt configuration ${ofA!.id} \\("Shared Trunk"\\): it is managed by resource "trunk" of stack [^ ]+/a`,
      ),
    );
    await s.declare(trunk());

    await b.stack.destroy();
    expect(await s.api.client.list()).toEqual([ofA]);
    await s.stack.preview({ expectNoChanges: true, refresh: true });
  });
});
