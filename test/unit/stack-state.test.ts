import { describe, expect, it } from "vitest";
import { stateIdsOf, type StateResource } from "../../src/gitops/stack.js";

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
