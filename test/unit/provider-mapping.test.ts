import { describe, expect, it } from "vitest";
import type { Configuration } from "../../src/client/contract.js";
import {
  changedFields,
  isCreatedFrom,
  patchFor,
  replacementsFor,
  toCreateBody,
  toOutputs,
  type ConfigurationInputs,
} from "../../src/model/index.js";
import { check, configure, diff } from "../../src/pulumi/dynamic-provider.js";
import { resolveSettings } from "../../src/settings/settings.js";

const api: Configuration = {
  id: 9,
  name: "Twilio",
  provider: 3,
  provider_details: { id: 3, name: "Twilio", description: "", icon: "" },
  org_handle: "dev-org",
  meta_json: [
    { meta_key: "team", meta_value: "support" },
    { meta_key: "region", meta_value: "us-east-1" },
  ],
  active: true,
  api_key: "k",
  api_secret: "s",
  base_url: null,
  sip_url: "",
};
const live = toOutputs(api);
const declared: ConfigurationInputs = {
  name: "Twilio",
  provider: 3,
  apiKey: "k",
  apiSecret: "s",
  meta: { region: "us-east-1", team: "support" },
};

describe("mapping between the resource and the API", () => {
  it("normalises what the API returns: null URLs as empty, meta as a sorted map", () => {
    expect(live).toMatchObject({
      baseUrl: "",
      sipUrl: "",
      meta: { region: "us-east-1", team: "support" },
      orgHandle: "dev-org",
    });
    expect(Object.keys(live.meta)).toEqual(["region", "team"]);
  });

  it.each<[string, Partial<Configuration>, Partial<ConfigurationInputs>, string[]]>([
    ["nothing", {}, {}, []],
    ["null base_url against an undeclared one", { base_url: null }, {}, []],
    ["empty base_url against an undeclared one", { base_url: "" }, {}, []],
    ["reordered meta_json", { meta_json: [...api.meta_json].reverse() }, {}, []],
    ["active unset means true", {}, { active: undefined }, []],
    ["a rename", {}, { name: "Twilio Sales" }, ["name"]],
    ["a rotated secret", {}, { apiSecret: "s2" }, ["apiSecret"]],
    ["a new SIP URL", {}, { sipUrl: "sip:a.example.com" }, ["sipUrl"]],
    ["a provider change", {}, { provider: 4 }, ["provider"]],
    ["a meta change", {}, { meta: { region: "eu-west-1", team: "support" } }, ["meta"]],
    ["meta removed", {}, { meta: undefined }, ["meta"]],
    ["an undeclared key against a live one", { api_key: "live" }, { apiKey: undefined }, []],
    ["an undeclared secret against a live one", { api_secret: "live" }, { apiSecret: undefined }, []],
    ["a declared key against an empty live one", { api_key: "" }, {}, ["apiKey"]],
  ])("changed fields for %s", (_name, liveChange, declaredChange, expected) => {
    expect(changedFields(toOutputs({ ...api, ...liveChange }), { ...declared, ...declaredChange })).toEqual(expected);
  });

  it("PATCHes only the writable fields that differ, base_url unset as null", () => {
    expect(patchFor(live, { ...declared, name: "N", baseUrl: "https://x.example" })).toEqual({
      name: "N",
      base_url: "https://x.example",
    });
    expect(patchFor(toOutputs({ ...api, base_url: "https://x.example" }), declared)).toEqual({ base_url: null });
    expect(patchFor(live, { ...declared, provider: 4 })).toEqual({});
  });

  it("never sends an undeclared secret: not on PATCH, not on create", () => {
    const { apiKey: _k, apiSecret: _s, ...withoutSecrets } = declared;
    expect(patchFor(live, { ...withoutSecrets, name: "N" })).toEqual({ name: "N" });
    // A secret the state does not hold (not managed until now) is sent once it is declared.
    const { apiKey: _lk, ...liveWithoutKey } = live;
    expect(patchFor(liveWithoutKey, declared)).toEqual({ api_key: "k" });
    expect(toCreateBody({ name: "A", provider: 1, apiSecret: "s" })).not.toHaveProperty("api_key");
  });

  it("keeps in the outputs only the secrets that are declared", () => {
    expect(toOutputs(api, {})).not.toHaveProperty("apiKey");
    expect(toOutputs(api, { apiKey: "x" })).toMatchObject({ apiKey: "k" });
    expect(toOutputs(api, { apiKey: "x" })).not.toHaveProperty("apiSecret");
  });

  it.each<[string, Partial<Configuration>, boolean]>([
    ["exactly what the POST would make", {}, true],
    ["null and empty URLs alike", { base_url: "", sip_url: null }, true],
    ["meta in another order", { meta_json: [...api.meta_json].reverse() }, true],
    ["another name", { name: "Twilio 2" }, false],
    ["another provider", { provider: 4 }, false],
    ["another key", { api_key: "k2" }, false],
    ["another secret", { api_secret: "s2" }, false],
    ["inactive", { active: false }, false],
    ["a base URL the body does not have", { base_url: "https://x.example" }, false],
    ["less meta", { meta_json: [] }, false],
  ])("recognises a configuration a create made: %s", (_name, liveChange, expected) => {
    expect(isCreatedFrom(toCreateBody(declared), { ...api, ...liveChange })).toBe(expected);
  });

  it("an undeclared secret is not compared: a replacement carries the live one over, which is not the declaration's", () => {
    const body = toCreateBody({ name: "Twilio", provider: 3, meta: declared.meta! });
    expect(isCreatedFrom(body, { ...api, api_key: "", api_secret: null })).toBe(true);
    expect(isCreatedFrom(body, api)).toBe(true);
    expect(
      isCreatedFrom(toCreateBody({ name: "Twilio", provider: 3, meta: declared.meta!, apiKey: "other" }), api),
    ).toBe(false);
  });

  it("asks for a replacement only for provider and meta", () => {
    expect(replacementsFor(live, { ...declared, provider: 4, name: "x" })).toEqual(["provider"]);
    expect(replacementsFor(live, { ...declared, meta: {} })).toEqual(["meta"]);
  });

  it("builds a create body with defaults the API expects", () => {
    expect(toCreateBody({ name: "A", provider: 1 })).toEqual({
      name: "A",
      provider: 1,
      active: true,
      base_url: null,
      sip_url: "",
      meta_json: [],
    });
  });
});

describe("the dynamic provider's check and diff", () => {
  // As state of this release records it, at the API the tests configure.
  const live = { ...toOutputs(api), apiUrl: "http://127.0.0.1:1" };
  it("accepts valid inputs and rejects invalid ones by property, never echoing values", async () => {
    expect(await check({}, { __provider: "x", name: "A", provider: 3 })).toEqual({
      inputs: { __provider: "x", name: "A", provider: 3 },
    });
    const bad = await check({}, { name: "A", provider: "3", apiKey: 12345678, sipUrl: "http://x", extra: 1 });
    expect(bad.failures).toEqual([
      { property: "extra", reason: "unknown property extra" },
      { property: "provider", reason: "must be integer" },
      { property: "apiKey", reason: "must be string" },
      { property: "sipUrl", reason: 'must match pattern "^sips?:[^\\s]+$"' },
    ]);
    expect(JSON.stringify(bad.failures)).not.toContain("12345678");
  });

  it("refuses the ownership mark's meta key in a declaration", async () => {
    expect((await check({}, { name: "A", provider: 3, meta: { "telephony-config:owner": "{}" } })).failures).toEqual([
      { property: "meta", reason: "the key telephony-config:owner is reserved for the ownership mark a create writes" },
    ]);
  });

  it("leaves values not known until apply to be judged then", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(await check({}, { name: unknown, provider: unknown })).toEqual({
      inputs: { name: unknown, provider: unknown },
    });
  });

  it("rejects an empty secret, or one of only spaces: leaving it out is how a live one is left alone", async () => {
    expect((await check({}, { name: "A", provider: 3, apiKey: "" })).failures).toEqual([
      { property: "apiKey", reason: "must NOT have fewer than 1 characters" },
    ]);
    expect((await check({}, { name: "A", provider: 3, apiSecret: " \t" })).failures).toEqual([
      { property: "apiSecret", reason: "is only whitespace: leave it out to leave the live value alone" },
    ]);
  });

  it("replaces a configuration of another organization than the configured one", async () => {
    const settings: Record<string, string> = {
      "telephony:apiUrl": "http://127.0.0.1:1",
      "telephony:apiToken": "t",
      "telephony:orgHandle": "new-org",
      "telephony:productId": "1",
    };
    configure({ config: { get: (k: string) => settings[k] } } as never);
    expect(await diff("9", live, declared)).toEqual({
      changes: true,
      replaces: ["orgHandle"],
      deleteBeforeReplace: false,
    });
    settings["telephony:orgHandle"] = "dev-org";
    configure({ config: { get: (k: string) => settings[k] } } as never);
    expect(await diff("9", live, declared)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("state of a release that did not record the API is updated, so that the API is recorded once proved", async () => {
    const { apiUrl: _recorded, ...earlier } = live;
    expect(await diff("9", earlier, declared)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("a secret left out of the declaration leaves the state: a change with nothing to send", async () => {
    const { apiKey: _k, ...withoutKey } = declared;
    expect(await diff("9", live, withoutKey)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(patchFor(live, withoutKey)).toEqual({});
    const { apiKey: _l, ...liveWithoutKey } = live;
    expect(await diff("9", liveWithoutKey, withoutKey)).toMatchObject({ changes: false });
    expect(await diff("9", { ...live, apiKey: "" }, withoutKey)).toMatchObject({ changes: false });
  });

  it("diffs with replacements for provider and meta", async () => {
    expect(await diff("9", live, declared)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await diff("9", live, { ...declared, name: "x" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await diff("9", live, { ...declared, provider: 4, meta: {} })).toEqual({
      changes: true,
      replaces: ["provider", "meta"],
      deleteBeforeReplace: false,
    });
  });
});

describe("resolveSettings", () => {
  const env = {
    TELEPHONY_API_URL: "http://env.example",
    TELEPHONY_API_TOKEN: "env-token",
    TELEPHONY_ORG_HANDLE: "env-org",
    TELEPHONY_PRODUCT_ID: "2",
  };
  it("prefers stack config and falls back to the environment", () => {
    const config: Record<string, string> = { "telephony:apiUrl": "http://config.example", "telephony:productId": "5" };
    expect(resolveSettings((k) => config[k], env)).toEqual({
      apiUrl: "http://config.example",
      apiToken: "env-token",
      orgHandle: "env-org",
      productId: 5,
      formerApiUrls: [],
      sources: {
        apiUrl: "telephony:apiUrl in the stack's config",
        apiToken: "the environment variable TELEPHONY_API_TOKEN",
        orgHandle: "the environment variable TELEPHONY_ORG_HANDLE",
        productId: "telephony:productId in the stack's config",
      },
    });
    expect(resolveSettings((k) => config[k], env, "the config of stack prod").sources.apiUrl).toBe(
      "telephony:apiUrl in the config of stack prod",
    );
  });
  it("names every missing setting with both of its sources", () => {
    expect(() => resolveSettings(() => undefined, {})).toThrow(
      "set telephony:apiUrl (or TELEPHONY_API_URL), telephony:apiToken (or TELEPHONY_API_TOKEN), telephony:orgHandle (or TELEPHONY_ORG_HANDLE), telephony:productId (or TELEPHONY_PRODUCT_ID)",
    );
  });
  it("takes an optional ceiling on requests per second from config or TELEPHONY_MAX_RPS", () => {
    expect(resolveSettings(() => undefined, env)).not.toHaveProperty("maxRequestsPerSecond");
    expect(resolveSettings(() => undefined, { ...env, TELEPHONY_MAX_RPS: "2.5" }).maxRequestsPerSecond).toBe(2.5);
    expect(
      resolveSettings((k) => (k === "telephony:maxRequestsPerSecond" ? "7" : undefined), {
        ...env,
        TELEPHONY_MAX_RPS: "2",
      }).maxRequestsPerSecond,
    ).toBe(7);
    expect(() => resolveSettings(() => undefined, { ...env, TELEPHONY_MAX_RPS: "0" })).toThrow(
      /must be a positive number/,
    );
  });
  it("trims settings, and refuses an organization handle with spaces inside", () => {
    expect(resolveSettings(() => undefined, { ...env, TELEPHONY_ORG_HANDLE: " env-org \n" }).orgHandle).toBe("env-org");
    expect(() => resolveSettings(() => undefined, { ...env, TELEPHONY_ORG_HANDLE: "dev org" })).toThrow(
      /must not contain spaces/,
    );
  });
  it("rejects a product id that is not an integer and a URL that is not one", () => {
    expect(() => resolveSettings(() => undefined, { ...env, TELEPHONY_PRODUCT_ID: "two" })).toThrow(
      /^the environment variable TELEPHONY_PRODUCT_ID must be an integer \(digits only\)$/,
    );
    for (const url of ["not a url", "file:///etc/passwd", "ftp://127.0.0.1:21"])
      expect(() => resolveSettings(() => undefined, { ...env, TELEPHONY_API_URL: url })).toThrow(
        /^the environment variable TELEPHONY_API_URL is not an http:\/\/ or https:\/\/ URL \(e\.g\. https:\/\/unpod\.dev\)$/,
      );
  });
  // A value set in the wrong place may be a secret: a token pasted as the URL, the product id, the handle.
  it.each([
    ["TELEPHONY_API_URL", "https://u:tok-4f1e@api.example.com:44a"],
    ["TELEPHONY_API_URL", "tok-4f1e"],
    ["TELEPHONY_PRODUCT_ID", "tok-4f1e"],
    ["TELEPHONY_ORG_HANDLE", "Token tok-4f1e"],
    ["TELEPHONY_MAX_RPS", "tok-4f1e"],
    ["TELEPHONY_FORMER_API_URLS", "[tok-4f1e"],
    ["TELEPHONY_FORMER_API_URLS", "tok-4f1e"],
  ])("never repeats a value it refuses: %s=%s", (variable, value) => {
    expect(() => resolveSettings(() => undefined, { ...env, [variable]: value })).toThrow();
    try {
      resolveSettings(() => undefined, { ...env, [variable]: value });
    } catch (error) {
      expect((error as Error).message).not.toContain("tok-4f1e");
    }
  });
});
