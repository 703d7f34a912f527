import { describe, expect, it } from "vitest";
import { PROVIDER_CATALOGUE as SERVED } from "../../src/server/catalogue.js";
import {
  configurationKey,
  DECLARED_FIELDS,
  differences,
  FIELDS,
  KNOWN_PROVIDERS,
  PROVIDER_CATALOGUE,
  unknownProvider,
  releasedSecrets,
  undeclaredSecrets,
  withSecrets,
  type Field,
} from "../../src/model/index.js";

const fields: readonly Field[] = FIELDS;

describe("the field table", () => {
  it("gives every declared field one way to change: a PATCH or a replacement", () => {
    for (const f of DECLARED_FIELDS as readonly Field[]) expect(!!f.patchable !== !!f.replaces, f.name).toBe(true);
  });

  it("names each field once on each side", () => {
    expect(new Set(fields.map((f) => f.name)).size).toBe(fields.length);
    expect(new Set(fields.map((f) => f.api)).size).toBe(fields.length);
  });

  it("never compares nor sends what the API sets", () => {
    const outputs = fields.filter((f) => f.output).map((f) => f.name);
    expect(outputs).toEqual(["providerDetails", "orgHandle"]);
    expect(differences({ name: "A", provider: 1, orgHandle: "x" }, { name: "A", provider: 1 })).toEqual([]);
  });
});

describe("the provider catalogue", () => {
  it("is one list: what the schema describes and the local server answers", () => {
    expect(KNOWN_PROVIDERS).toBe("1 Airtel, 2 Jio, 3 Twilio, 4 LiveKit, 5 Daily, 6 Vapi, 58 Vodafone, 66 VI");
    const provider = fields.find((f) => f.name === "provider")!;
    expect(provider.rules?.description).toContain(KNOWN_PROVIDERS);
    expect([...SERVED].map(([id, d]) => [id, d.name])).toEqual([...PROVIDER_CATALOGUE].map(([id, e]) => [id, e.name]));
  });

  it.each([
    [3, undefined],
    [66, undefined],
    [7, `provider 7 is not in the known catalogue (${KNOWN_PROVIDERS}); the API decides`],
  ])("warns about provider %s only when it does not know it", (id, warning) => {
    expect(unknownProvider(id)).toBe(warning);
  });
});

describe("one comparison", () => {
  const a = { name: "A", provider: 3, active: true, meta: { b: "2", a: "1" } };
  it.each<[string, Record<string, unknown>, boolean]>([
    ["the same values", {}, true],
    ["meta in another order", { meta: { a: "1", b: "2" } }, true],
    ["active left to its default", { active: undefined }, true],
    ["another name", { name: "B" }, false],
    ["a secret declared on one side only", { apiKey: { kind: "env", name: "K" } }, false],
  ])("gives two declarations one key for %s: %s", (_what, change, same) => {
    expect(configurationKey({ ...a, ...change }) === configurationKey(a)).toBe(same);
  });

  it("tells which secrets leave the state and which are not declared", () => {
    expect(releasedSecrets({ apiKey: "k", apiSecret: "" }, {})).toEqual(["apiKey"]);
    expect(undeclaredSecrets({ apiSecret: "s" })).toEqual(["apiKey"]);
  });

  it("resolves only the declared secrets, and leaves out the ones it cannot", () => {
    const declared = { name: "A", provider: 1, apiKey: "ref-k", apiSecret: "ref-s", sipUrl: "sip:x" };
    expect(withSecrets(declared, (ref) => (ref === "ref-k" ? "value" : undefined))).toEqual({
      name: "A",
      provider: 1,
      apiKey: "value",
      sipUrl: "sip:x",
    });
  });
});
