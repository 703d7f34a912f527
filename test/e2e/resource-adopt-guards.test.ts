// Adoption, protect, bad input and upgrades of ProviderConfiguration, through the real Pulumi CLI.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe("ProviderConfiguration through the real Pulumi CLI: adoption and guards", () => {
  it("adopts configurations created by hand, by id, without duplicates", async () => {
    s = await telephonyStack();
    const matching = await s.api.client.create({ name: "Jio Main", provider: 2, sip_url: "sip:main.example.jio.com" });
    const stale = await s.api.client.create({ name: "Old Name", provider: 1, api_key: "hand-key-0000", active: false });
    await s.declare(`configurations:
  jio-main:
    name: Jio Main
    provider: 2
    sipUrl: sip:main.example.jio.com
    import: ${matching.id}
  airtel:
    name: Airtel Main
    provider: 1
    apiKey: \${env:TWILIO_API_KEY}
    import: ${stale.id}
`);
    const mark = s.api.server.requests.length;
    const adopted = await s.stack.up();
    expect(adopted.summary.resourceChanges).toEqual({ create: 3 });
    const writes = s.api.server.requests.slice(mark).filter((r) => r.method !== "GET");
    // No POST: the matching one is taken as it is, the other PATCHed to the declaration.
    expect(writes).toEqual([
      {
        method: "PATCH",
        path: `/api/v2/platform/telephony/providers-configurations/${stale.id}/`,
        status: 200,
        bodyKeys: ["name", "active", "api_key"],
      },
    ]);
    expect((await s.api.client.list()).map((c) => c.id).sort()).toEqual([matching.id, stale.id].sort());
    expect(adopted.outputs.configurations?.value).toMatchObject({
      "jio-main": { id: matching.id },
      airtel: { id: stale.id },
    });
    await s.stack.preview({ expectNoChanges: true, refresh: true });

    // Later runs behave as for any other resource.
    await s.stack.destroy();
    expect(await s.api.client.list()).toEqual([]);
  });

  it("refuses to adopt a configuration whose provider differs, and changes nothing", async () => {
    s = await telephonyStack();
    const other = await s.api.client.create({ name: "Someone's Vapi", provider: 6 });
    await s.declare(`configurations:\n  mine:\n    name: Mine\n    provider: 3\n    import: ${other.id}\n`);
    const mark = s.api.server.requests.length;
    const error = await s.stack.up().catch((e: Error) => e);
    expect(String(error)).toMatch(
      new RegExp(`cannot adopt configuration ${other.id} \\("Someone's Vapi"\\): provider is 6, declared 3`),
    );
    expect(s.api.server.requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);
    expect(await s.api.client.get(other.id)).toEqual(other);
  });

  it("an import id declared twice registers nothing and names both places", async () => {
    s = await telephonyStack();
    const live = await s.api.client.create({ name: "Shared", provider: 3 });
    await s.declare(
      `configurations:\n  a:\n    provider: 3\n    import: ${live.id}\n  b:\n    provider: 3\n    import: ${live.id}\n`,
    );
    const mark = s.api.server.requests.length;
    const error = await s.stack.up().catch((e: Error) => e);
    expect(String(error)).toMatch(
      new RegExp(
        `telephony\\.yaml:5:3: configurations\\.b: import ${live.id} is also declared by a \\(.*telephony\\.yaml:2\\)`,
      ),
    );
    expect(s.api.server.requests.slice(mark)).toEqual([]);
  });

  it("protect stops a destroy", async () => {
    s = await telephonyStack();
    await s.declare("configurations:\n  vital:\n    name: Vital\n    provider: 3\n    protect: true\n");
    await s.stack.up();
    const error = await s.stack.destroy().catch((e: Error) => e);
    expect(String(error)).toMatch(/protected/);
    expect((await s.api.client.list()).map((c) => c.name)).toEqual(["Vital"]);
  });

  it("bad YAML registers nothing and says where", async () => {
    s = await telephonyStack();
    await s.declare(
      "configurations:\n  a:\n    provider: 3\n    apiKey: sk_live_literal\n  b:\n    provider: 1\n    sipUrl: http://nope\n    colour: red\n",
    );
    const error = await s.stack.up().catch((e: Error) => e);
    const message = String(error);
    expect(message).toMatch(/telephony\.yaml:4:13: configurations\.a\.apiKey: must be a secret reference/);
    expect(message).toMatch(/telephony\.yaml:7:13: configurations\.b\.sipUrl: must be a sip: or sips: URI/);
    expect(message).toMatch(/telephony\.yaml:8:5: configurations\.b\.colour: unknown field/);
    expect(s.api.server.requests).toEqual([]);
    const { stdout } = await s.t.cli(["stack", "export"]);
    expect(stdout).not.toContain("ProviderConfiguration");
  });

  it("runs the package's current code for resources created by an older version", async () => {
    s = await telephonyStack({ copyDist: true });
    await s.declare("configurations:\n  vapi:\n    name: Vapi\n    provider: 6\n");
    await s.stack.up();
    const serialized = async () =>
      JSON.parse((await s!.t.cli(["stack", "export"])).stdout).deployment.resources.at(-1).outputs.__provider;
    const before = await serialized();

    // A new release changes what read reports; the state still holds the old provider object.
    const runtime = join(s.project.dir, "dist/src/model/mapping.js");
    const code = readFileSync(runtime, "utf8");
    writeFileSync(
      runtime,
      code.replace(
        "const mark = markValueOf(c.meta_json);",
        'outputs.providerDetails = { ...c.provider_details, release: "next" };\n    const mark = markValueOf(c.meta_json);',
      ),
    );

    await s.stack.refresh();
    const state = JSON.parse((await s.t.cli(["stack", "export"])).stdout);
    expect(state.deployment.resources.at(-1).outputs.providerDetails).toMatchObject({ name: "Vapi", release: "next" });
    expect(await serialized()).toBe(before);
  });

  it("a state written with 0.1.0's provider text goes on: up adds, changes and deletes, then preview, refresh and destroy", async () => {
    s = await telephonyStack();
    const kept = "  kept:\n    name: Kept\n    provider: 6\n";
    await s.declare(`configurations:\n  a:\n    name: A\n    provider: 6\n  b:\n    name: B\n    provider: 6\n${kept}`);
    await s.stack.up();
    const a = (await s.api.client.list()).find((c) => c.name === "A");
    // The state as 0.1.0 wrote it: its provider text in every resource's inputs and outputs.
    const earlier = readFileSync(join(REPO, "test/fixtures/provider-module-0.1.0.js"), "utf8");
    const exported = JSON.parse((await s.t.cli(["stack", "export"])).stdout);
    for (const r of exported.deployment.resources)
      if (r.outputs?.__provider)
        Object.assign(r, {
          inputs: { ...r.inputs, __provider: earlier },
          outputs: { ...r.outputs, __provider: earlier },
        });
    const file = join(mkdtempSync(join(tmpdir(), "state-0.1.0-")), "state.json");
    writeFileSync(file, JSON.stringify(exported));
    await s.t.cli(["stack", "import", "--file", file]);

    await s.declare(
      `configurations:\n  a:\n    name: A2\n    provider: 6\n  c:\n    name: C\n    provider: 6\n${kept}`,
    );
    await s.stack.up();
    const live = await s.api.client.list();
    expect(live.map((c) => [c.name, c.id === a!.id]).sort()).toEqual([
      ["A2", true],
      ["C", false],
      ["Kept", false],
    ]);
    // The unchanged resource keeps the earlier text: the previews, the refresh and the destroy below run it.
    const after = JSON.parse((await s.t.cli(["stack", "export"])).stdout).deployment.resources;
    expect(after.find((r: { urn: string }) => r.urn.endsWith("::kept")).outputs.__provider).toBe(earlier);
    await s.t.cli(["preview", "--expect-no-changes"]);
    await s.t.cli(["preview", "--refresh", "--expect-no-changes"]);
    await s.t.cli(["destroy", "--yes", "--skip-preview"]);
    expect(await s.api.client.list()).toEqual([]);
  });
});
