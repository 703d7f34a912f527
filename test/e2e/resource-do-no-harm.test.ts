// What must never happen to a live configuration, through the real Pulumi CLI: blanked secrets,
// adoption applied twice, a changed organization orphaning everything, a proxy's 404 taken for "deleted".
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { caught } from "../helpers/caught.js";
import { collect } from "../helpers/leaks.js";
import { SECRETS, telephonyStack, type TelephonyStack } from "../helpers/stack.js";

let s: TelephonyStack | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  proxy?.close();
  proxy = undefined;
});

const writes = (stack: TelephonyStack, from: number) =>
  stack.api.server.requests.slice(from).filter((r) => r.method !== "GET");
const exported = async (stack: TelephonyStack) => (await stack.t.cli(["stack", "export"])).stdout;

describe("ProviderConfiguration through the real Pulumi CLI: do no harm", () => {
  it("adopts a configuration without declared secrets and keeps them; an empty variable blanks nothing", async () => {
    s = await telephonyStack();
    const hand = await s.api.client.create({
      name: "Old",
      provider: 3,
      api_key: "hand-key-5e1f",
      api_secret: "hand-secret-77c2",
    });
    await s.declare(`configurations:\n  twilio:\n    name: Twilio Support\n    provider: 3\n    import: ${hand.id}\n`);
    const mark = s.api.server.requests.length;
    await s.stack.up();
    // Only the name is written: the secrets are not the declaration's, so not sent, and not kept in state.
    expect(writes(s, mark).map((r) => r.bodyKeys)).toEqual([["name"]]);
    expect(await s.api.client.get(hand.id)).toMatchObject({
      name: "Twilio Support",
      api_key: "hand-key-5e1f",
      api_secret: "hand-secret-77c2",
    });
    expect(await exported(s)).not.toContain("hand-key-5e1f");
    await s.stack.preview({ expectNoChanges: true, refresh: true });

    // Declared from now on; then CI runs with the variable set but empty: an error naming it, no write.
    await s.declare(
      `configurations:\n  twilio:\n    name: Twilio Support\n    provider: 3\n    apiKey: \${env:TWILIO_API_KEY}\n`,
    );
    await s.stack.up();
    expect((await s.api.client.get(hand.id)).api_key).toBe(SECRETS.TWILIO_API_KEY);
    const before = s.api.server.requests.length;
    const error = await caught(s.t.cli(["up", "--yes"], { TWILIO_API_KEY: "" }));
    const { stdout, stderr } = error as Error & { stdout: string; stderr: string };
    expect(stdout + stderr).toMatch(
      /configurations\.twilio\.apiKey: \$\{env:TWILIO_API_KEY\}: environment variable TWILIO_API_KEY is empty/,
    );
    expect(writes(s, before)).toEqual([]);
    expect(await s.api.client.get(hand.id)).toMatchObject({
      api_key: SECRETS.TWILIO_API_KEY,
      api_secret: "hand-secret-77c2",
    });
  });

  it("reads import only once: a re-creation after a delete by hand and a replacement create normally; an unknown id creates nothing", async () => {
    s = await telephonyStack();
    const hand = await s.api.client.create({ name: "Jio Main", provider: 2 });
    const yaml = (provider: number) =>
      `configurations:\n  jio:\n    name: Jio Main\n    provider: ${provider}\n    import: ${hand.id}\n`;
    await s.declare(yaml(2));
    await s.stack.up();

    // Deleted by hand; `import` still names it. The refresh proves it gone, and up creates it again.
    await s.api.client.delete(hand.id);
    const out = collect();
    const recreated = await s.stack.up({ refresh: true, onOutput: out.onOutput });
    expect(recreated.summary.resourceChanges).toMatchObject({ create: 1 });
    const [again] = await s.api.client.list();
    expect([again!.name, again!.provider]).toEqual(["Jio Main", 2]);
    expect(again!.id).not.toBe(hand.id);
    expect(out.text()).toContain(`configuration ${hand.id} (import) was deleted; creating the configuration again`);

    // A provider change replaces it: a new configuration, not an adoption of the import id.
    await s.declare(yaml(1));
    const replaced = await s.stack.up();
    expect(replaced.summary.resourceChanges).toMatchObject({ replace: 1 });
    const live = await s.api.client.list();
    expect(live.map((c) => [c.name, c.provider])).toEqual([["Jio Main", 1]]);
    expect(live[0]!.id).not.toBe(again!.id);

    // An import id that does not exist (a typo) is an error: no configuration is created in its place.
    await s.declare(`${yaml(1)}  other:\n    name: Other\n    provider: 3\n    import: 99999\n`);
    const error = await caught(s.stack.up());
    expect(String(error)).toContain("cannot adopt configuration 99999: it does not exist in organization dev-org");
    expect((await s.api.client.list()).map((c) => c.name)).toEqual(["Jio Main"]);
  });

  it("a key renamed with formerKeys is the same resource: nothing created or deleted, undeclared secrets kept", async () => {
    s = await telephonyStack();
    await s.declare("configurations:\n  vapi:\n    name: Vapi Main\n    provider: 6\n");
    await s.stack.up();
    const [original] = await s.api.client.list();
    await s.api.client.update(original!.id, { api_key: "hand-set-key-3f1a" });
    await s.declare("configurations:\n  vapi-main:\n    name: Vapi Main\n    provider: 6\n    formerKeys: [vapi]\n");
    const renamed = await s.stack.up({ refresh: true });
    expect(renamed.summary.resourceChanges).toEqual({ same: 2 });
    expect(await s.api.client.list()).toEqual([{ ...original, api_key: "hand-set-key-3f1a" }]);

    // A replacement the engine forces is not diffed; its mark still names the former key: kept, its
    // undeclared secret with it, never replaced by one without.
    const urn = (JSON.parse(await exported(s)).deployment.resources as Array<{ urn: string }>).find((r) =>
      r.urn.endsWith("::vapi-main"),
    )!.urn;
    await s.stack.up({ replace: [urn] });
    expect(await s.api.client.list()).toEqual([{ ...original, api_key: "hand-set-key-3f1a" }]);
  });

  it("a key renamed without formerKeys is a new resource: it creates its own configuration, never takes the old key's", async () => {
    s = await telephonyStack();
    const yaml = (key: string) =>
      `configurations:\n  ${key}:\n    name: Vapi Main\n    provider: 6\n    apiKey: \${env:TWILIO_API_KEY}\n`;
    await s.declare(yaml("vapi"));
    await s.stack.up();
    const [original] = await s.api.client.list();

    // Across runs: the new key is created alone (--target) while the old one still holds its configuration.
    await s.declare(yaml("vapi-main"));
    const { stdout } = await s.t.cli(["stack", "export"]);
    const oldUrn = (JSON.parse(stdout).deployment.resources as Array<{ urn: string }>)
      .map((r) => r.urn)
      .find((u) => u.endsWith("::vapi"))!;
    const out = collect();
    await s.stack.up({ target: [oldUrn.replace(/::vapi$/, "::vapi-main")], onOutput: out.onOutput });
    expect(out.text()).not.toContain("took over");
    const twins = await s.api.client.list();
    expect(twins.map((c) => c.id)).toEqual([original!.id, expect.any(Number)]);
    expect(twins[0]).toEqual(original);

    // The next up deletes the old key's configuration, and only that.
    const later = await s.stack.up({ refresh: true });
    expect(later.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(await s.api.client.list()).toEqual([twins[1]]);
    await s.stack.preview({ expectNoChanges: true, refresh: true });
  });

  it("a changed organization moves each configuration: created in the new one, deleted from the old, nothing orphaned", async () => {
    s = await telephonyStack({ orgs: ["dev-org", "other-org"] });
    await s.declare(`configurations:
  twilio:
    name: Twilio Support
    provider: 3
    apiKey: \${env:TWILIO_API_KEY}
  vapi:
    name: Vapi
    provider: 6
`);
    await s.stack.up();
    const original = await s.api.client.list();
    // A secret set by hand and not declared: the move carries it over.
    await s.api.client.update(original.find((c) => c.name === "Vapi")!.id, { api_key: "hand-vapi-key-81d2" });
    await s.stack.setConfig("telephony:orgHandle", { value: "other-org" });

    // A refresh with the new settings reads each configuration where it lives: nothing is dropped,
    // and each one is to be replaced by one in the new organization, as preview says.
    const preview = collect();
    expect((await s.stack.preview({ refresh: true, onOutput: preview.onOutput })).changeSummary).toEqual({
      replace: 2,
      same: 1,
    });
    expect(preview.text()).toContain("Vapi: telephony:orgHandle is now other-org: configuration");
    expect(preview.text()).toMatch(/is replaced by a new one there, then deleted in dev-org/);
    const moving = await s.stack.up({ refresh: true });
    expect(moving.summary.resourceChanges).toEqual({ replace: 2, same: 1 });
    expect(await s.api.client.list()).toEqual([]);
    const moved = await s.api.client.inOrganization("other-org").list();
    expect(moved.map((c) => [c.name, c.org_handle, c.api_key]).sort()).toEqual([
      ["Twilio Support", "other-org", SECRETS.TWILIO_API_KEY],
      ["Vapi", "other-org", "hand-vapi-key-81d2"],
    ]);
    expect(moved.map((c) => c.id)).not.toContain(original[0]!.id);
    await s.stack.preview({ expectNoChanges: true, refresh: true });
    await s.stack.destroy();
    expect(await s.api.client.inOrganization("other-org").list()).toEqual([]);
  });

  it("a proxy's 404 page is not 'deleted': refresh and destroy fail and change neither state nor live objects", async () => {
    s = await telephonyStack();
    await s.declare("configurations:\n  a:\n    name: A\n    provider: 3\n  b:\n    name: B\n    provider: 4\n");
    await s.stack.up();
    const live = await s.api.client.list();
    const configurations = async () =>
      (JSON.parse(await exported(s!)).deployment.resources as Array<Record<string, unknown> & { type: string }>)
        .filter((r) => r.type.endsWith(":ProviderConfiguration"))
        .map(({ urn, id, inputs, outputs }) => ({ urn, id, inputs, outputs }))
        // A failed operation may write the state back in another order.
        .sort((a, b) => String(a.urn).localeCompare(String(b.urn)));

    proxy = createServer((_req, res) =>
      res.writeHead(404, { "content-type": "text/html" }).end("<html><body>404 page not found</body></html>"),
    );
    await new Promise<void>((resolve) => proxy!.listen(0, "127.0.0.1", resolve));
    const wrongUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/ingress`;
    // The user says every one of these addresses is the API's: each answer is still judged for itself.
    const staging = `${s.api.server.url}/staging`;
    await s.stack.setConfig("telephony:formerApiUrls", {
      value: JSON.stringify([s.api.server.url, wrongUrl, staging]),
    });
    await s.stack.setConfig("telephony:apiUrl", { value: wrongUrl });
    // Recording the new address first proves each configuration is there: the proxy's page proves
    // nothing, so nothing is recorded (and the failed up keeps the new URL for refresh and destroy).
    expect(String(await caught(s.stack.up()))).toContain("this answer is not from the Provider Configurations API");
    const state = await configurations();

    for (const operation of [
      () => s!.stack.refresh(),
      () => s!.stack.preview({ refresh: true }),
      () => s!.stack.destroy(),
    ]) {
      const error = await caught(operation());
      expect(String(error)).toContain("this answer is not from the Provider Configurations API");
      // An item (refresh) or the list that proves an item is this resource's before its delete (destroy).
      expect(String(error)).toMatch(
        new RegExp(
          `${wrongUrl}/api/v2/platform/telephony/providers-configurations/(\\d+/)?: 404 Not Found — this answer is not from the Provider Configurations API \\(not its JSON envelope\\): the base URL or a proxy in between is probably wrong`,
        ),
      );
      expect(await configurations()).toEqual(state);
    }
    expect(await s.api.client.list()).toEqual(live);

    // Every write meets the proxy's page too: an update, an adoption and a create all fail, and change nothing.
    const hand = await s.api.client.create({ name: "Hand", provider: 6, api_key: "hand-key-3b9e" });
    const before = await s.api.client.list();
    const declared = "configurations:\n  a:\n    name: A\n    provider: 3\n  b:\n    name: B\n    provider: 4\n";
    await s.declare(
      `${declared.replace("name: A", "name: A2")}  c:\n    name: C\n    provider: 6\n    import: ${hand.id}\n  d:\n    name: D\n    provider: 5\n`,
    );
    const writes = await caught(s.stack.up());
    expect(String(writes)).toContain("this answer is not from the Provider Configurations API");
    expect(await s.api.client.list()).toEqual(before);
    expect(await configurations()).toEqual(state);
    await s.declare(declared);

    // A wrong base path that the API's own framework answers with its 404 envelope: not "deleted" either.
    await s.stack.setConfig("telephony:apiUrl", { value: staging });
    expect(String(await caught(s.stack.up()))).toMatch(
      /404 Not Found.*\/staging\/api\/v2\/platform\/telephony\/providers-configurations\//,
    );
    const atStaging = await configurations();
    // The refresh's 404 is not confirmed by the list; the destroy's check of what it deletes fails first.
    expect(String(await caught(s.stack.refresh()))).toContain(
      "the list that would confirm it is gone failed too, so it is not taken as deleted",
    );
    expect(await configurations()).toEqual(atStaging);
    expect(String(await caught(s.stack.destroy()))).toMatch(
      /404 Not Found.*\/staging\/api\/v2\/platform\/telephony\/providers-configurations\//,
    );
    expect(await configurations()).toEqual(atStaging);
    expect(await s.api.client.list()).toEqual(before);

    // With the right URL again, everything is where it was.
    await s.stack.setConfig("telephony:apiUrl", { value: s.api.server.url });
    await s.stack.up();
    await s.stack.preview({ expectNoChanges: true, refresh: true });
  });
});
