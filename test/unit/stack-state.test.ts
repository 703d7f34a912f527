import { describe, expect, it } from "vitest";
import { declaredInCode, mapIsCurrent, stateIdsOf, type StateResource } from "../../src/gitops/stack.js";

const urn = (type: string, key: string) => `urn:pulumi:prod::infra::${type}::${key}`;
const DYNAMIC = "pulumi-nodejs:dynamic/telephony:ProviderConfiguration";
const NATIVE = "telephony:index:ProviderConfiguration";
const at = (type: string, key: string, id: string, extra: Partial<StateResource> = {}): StateResource => ({
  urn: urn(type, key),
  type,
  id,
  ...extra,
});

describe("a stack's configurations, from its state", () => {
  it.each<[string, StateResource[], Array<[string, number]>]>([
    [
      "dynamic and native alike",
      [at(DYNAMIC, "a", "1"), at(NATIVE, "b", "2")],
      [
        ["a", 1],
        ["b", 2],
      ],
    ],
    [
      "not another type, nor one pending deletion",
      [at("aws:s3/bucket:Bucket", "c", "3"), at(NATIVE, "d", "4", { delete: true })],
      [],
    ],
    [
      "one key pending deletion beside its replacement",
      [at(NATIVE, "e", "5", { delete: true }), at(NATIVE, "e", "6")],
      [["e", 6]],
    ],
    [
      // Two components each hold a "trunk": keyed as each one's ownership mark names it, never one for both.
      "under parents, as the mark names each",
      [
        at(DYNAMIC, "trunk", "11", {
          urn: `urn:pulumi:prod::infra::acme:TeamA$${DYNAMIC}::trunk`,
          parent: "urn:pulumi:prod::infra::acme:TeamA::t1",
        }),
        at(DYNAMIC, "trunk", "12", {
          urn: `urn:pulumi:prod::infra::acme:TeamB$${DYNAMIC}::trunk`,
          parent: "urn:pulumi:prod::infra::acme:TeamB::t2",
        }),
        at(NATIVE, "trunk", "13", {
          urn: `urn:pulumi:prod::infra::acme:TeamC$${NATIVE}::trunk`,
          parent: "urn:pulumi:prod::infra::acme:TeamC::t3",
        }),
        at(DYNAMIC, "trunk", "14"),
      ],
      [
        ["urn:pulumi:prod::infra::acme:TeamA::t1::trunk", 11],
        ["urn:pulumi:prod::infra::acme:TeamB::t2::trunk", 12],
        [`urn:pulumi:prod::infra::acme:TeamC$${NATIVE}::trunk`, 13],
        ["trunk", 14],
      ],
    ],
  ])("%s", (_, resources, expected) => {
    expect([...stateIdsOf(resources, "prod")]).toEqual(expected);
  });

  it("refuses one key held as both the dynamic and the native resource", () => {
    expect(() => stateIdsOf([at(DYNAMIC, "twilio", "7"), at(NATIVE, "twilio", "6")], "prod")).toThrow(
      "key twilio of stack prod is held twice, as the dynamic and the native resource (configurations 7 and 6)",
    );
  });

  it("refuses two keys holding one configuration, naming both and what to do", () => {
    expect(() => stateIdsOf([at(NATIVE, "imp1", "4"), at(NATIVE, "imp2", "4")], "prod")).toThrow(
      "configuration 4 is held by 2 resources of stack prod (imp1, imp2): deleting either deletes it for all. Keep one: pulumi state delete",
    );
  });
});

describe("which of a stack's configurations its code declares, from its state", () => {
  const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
  const root = (configurations: unknown): StateResource => ({
    urn: "urn:pulumi:prod::infra::pulumi:pulumi:Stack::infra-prod",
    type: "pulumi:pulumi:Stack",
    ...(configurations === undefined ? {} : { outputs: { configurations } }),
  });
  const inputs = (over: Record<string, unknown>) => ({
    __provider: "exports.handler=…",
    owner: { stack: "x" },
    ...over,
  });
  const resources = (exported: unknown): StateResource[] => [
    root(exported),
    at(DYNAMIC, "yaml-made", "1", { inputs: inputs({ name: "Yaml Made", provider: 3, meta: {} }) }),
    at(NATIVE, "code-made", "2", {
      inputs: inputs({ name: "Code Made", provider: 4, apiSecret: SECRET, baseUrl: null, meta: { team: "a" } }),
    }),
    at(DYNAMIC, "old-half", "3", { delete: true, inputs: inputs({ name: "Old", provider: 3 }) }),
  ];

  it.each<[string, unknown, string[]]>([
    ["the keys the YAML program exported are its; the others, code's", { "yaml-made": { id: 1 } }, ["code-made"]],
    ["no YAML program exported (first update failed, or another name): none is told to be code", undefined, []],
    ["an output named so that is no map tells nothing either", "configurations", []],
    ["an empty map: every configuration is code's", {}, ["yaml-made", "code-made"]],
  ])("%s", (_name, exported, keys) => {
    const all = resources(exported);
    expect([...declaredInCode(all, stateIdsOf(all, "prod")).keys()]).toEqual(keys);
  });

  it("gives each the values its last update declared: a secret recorded is declared and unknown, null is unset", () => {
    const all = resources({ "yaml-made": { id: 1 } });
    expect(declaredInCode(all, stateIdsOf(all, "prod")).get("code-made")).toEqual({
      name: "Code Made",
      provider: 4,
      apiSecret: "encrypted",
      meta: { team: "a" },
    });
  });
});

describe("whether the stack's exported map of YAML keys is current", () => {
  const update = (result: string, endTime = "2026-12-03T12:21:12.000Z", environment = {}) => ({
    kind: "update",
    result,
    endTime,
    environment,
  });
  const WRITTEN = "2026-12-03T12:21:12.450777879Z"; // as the update that ended at 12:21:12 wrote it
  it.each<[string, unknown, string | undefined, boolean]>([
    ["the last update succeeded", [update("succeeded")], WRITTEN, true],
    [
      "refreshes since change nothing",
      [{ kind: "refresh", result: "succeeded", endTime: "2026-12-03T12:30:00.000Z" }, update("succeeded")],
      "2026-12-03T12:30:00.2Z",
      true,
    ],
    // A failed update keeps the outputs of the one before, while what it created is in the state.
    ["the last update failed", [update("failed"), update("succeeded", "2026-12-03T12:20:00.000Z")], WRITTEN, false],
    // Cut off (kill -9): what it created was saved, no history was written.
    ["the state written after the last operation on record", [update("succeeded")], "2026-12-03T12:25:00Z", false],
    ["a targeted update", [update("succeeded", undefined, { "pulumi.flag.target": "set" })], WRITTEN, false],
    [
      "an import since, which ran no program",
      [{ kind: "import", result: "succeeded" }, update("succeeded")],
      WRITTEN,
      false,
    ],
    ["a destroy", [{ kind: "destroy", result: "succeeded" }], WRITTEN, false],
    ["no update at all", [], WRITTEN, false],
    ["no date on the state", [update("succeeded")], undefined, false],
    ["not a history", {}, WRITTEN, false],
  ])("%s", (_, history, written, expected) => {
    expect(mapIsCurrent(history, written)).toBe(expected);
  });
});
