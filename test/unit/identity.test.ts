// What makes an existing configuration the one a resource holds: its API, its mark, or the fields no
// PATCH changes. Pure rules, table-driven; the same cases run through the real engine in
// test/e2e/resource-identity.test.ts.
import { describe, expect, it } from "vitest";
import type { Configuration } from "../../src/client/contract.js";
import { normaliseApiUrl, resolveSettings } from "../../src/settings/settings.js";
import { apiRelation, strangerReason } from "../../src/runtime/identity.js";
import { markEntry, markOf, markValue, parseMark, toOutputs, withoutMark } from "../../src/model/index.js";

describe("normaliseApiUrl", () => {
  it.each([
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://127.0.0.1:8080/", "http://127.0.0.1:8080"],
    ["HTTPS://API.Example.com:443/", "https://api.example.com"],
    ["https://api.example.com/telephony//", "https://api.example.com/telephony"],
    ["http://api.example.com:80/v", "http://api.example.com/v"],
  ])("%s is %s", (url, normalised) => {
    expect(normaliseApiUrl(url)).toBe(normalised);
  });
});

describe("telephony:formerApiUrls", () => {
  const env = {
    TELEPHONY_API_URL: "http://b.example",
    TELEPHONY_API_TOKEN: "t",
    TELEPHONY_ORG_HANDLE: "o",
    TELEPHONY_PRODUCT_ID: "1",
  };
  it.each([
    [undefined, []],
    ['["http://A.example/", "http://c.example:80"]', ["http://a.example", "http://c.example"]],
    ["http://a.example, http://c.example", ["http://a.example", "http://c.example"]],
    ["http://a.example", ["http://a.example"]],
  ])("%s reads as %j", (value, expected) => {
    expect(resolveSettings((k) => (k === "telephony:formerApiUrls" ? value : undefined), env).formerApiUrls).toEqual(
      expected,
    );
  });
  it.each([
    ['["http://a.example"', /not a JSON list of URLs/],
    ["[1]", /must be a list of URLs/],
    ["not-a-url", /: item 1 is not a URL$/],
  ])("%s is refused", (value, message) => {
    expect(() => resolveSettings((k) => (k === "telephony:formerApiUrls" ? value : undefined), env)).toThrow(message);
  });
  it("comes from TELEPHONY_FORMER_API_URLS too", () => {
    expect(
      resolveSettings(() => undefined, { ...env, TELEPHONY_FORMER_API_URLS: "http://a.example/" }).formerApiUrls,
    ).toEqual(["http://a.example"]);
  });
});

describe("apiRelation", () => {
  const settings = { apiUrl: "http://b.example/", formerApiUrls: ["http://a.example"] };
  it.each([
    [undefined, "same"], // recorded by an earlier release: nothing to compare with
    ["http://b.example", "same"],
    ["http://a.example", "moved"],
    ["http://c.example", "other"],
    ["http://b.example/other-path", "other"],
  ] as const)("recorded %s is %s", (recorded, relation) => {
    expect(apiRelation(recorded, settings)).toBe(relation);
  });
});

describe("the ownership mark", () => {
  const mark = { stack: "telephony/prod", resource: "twilio", create: "n-1" };
  it("round-trips, and anything else in its place is no mark", () => {
    expect(parseMark(markValue(mark))).toEqual(mark);
    for (const value of ["", "x", "null", "{}", '{"stack":1,"resource":"r","create":"c"}', "[]"])
      expect(parseMark(value)).toBeUndefined();
  });
  it("is kept out of the meta a resource shows, and held in its own output", () => {
    const meta = [{ meta_key: "region", meta_value: "eu" }, markEntry(mark)];
    expect(withoutMark(meta)).toEqual([{ meta_key: "region", meta_value: "eu" }]);
    expect(markOf(meta)).toEqual(mark);
    const outs = toOutputs({ ...live, meta_json: meta });
    expect(outs.meta).toEqual({ region: "eu" });
    expect(outs.mark).toBe(markValue(mark));
  });
});

const live: Configuration = {
  id: 1,
  name: "Mine",
  provider: 3,
  provider_details: null,
  org_handle: "o",
  meta_json: [{ meta_key: "region", meta_value: "eu" }],
  active: true,
  api_key: "k",
  api_secret: "s",
  base_url: null,
  sip_url: "",
};

describe("strangerReason", () => {
  const mine = markValue({ stack: "p/a", resource: "mine", create: "n-1" });
  const withMark = (value: string): Configuration => ({
    ...live,
    meta_json: [...live.meta_json, { meta_key: "telephony-config:owner", meta_value: value }],
  });
  it.each([
    ["created: the same mark", { mark: mine, provider: 3, meta: { region: "eu" } }, withMark(mine), undefined],
    [
      "created: another create's mark (same resource)",
      { mark: mine, provider: 3, meta: { region: "eu" } },
      withMark(markValue({ stack: "p/a", resource: "mine", create: "n-2" })),
      /not the one this resource's create wrote/,
    ],
    [
      "created: another stack's mark",
      { mark: mine, provider: 3, meta: { region: "eu" } },
      withMark(markValue({ stack: "p/b", resource: "x", create: "n" })),
      /resource "x" of stack p\/b/,
    ],
    [
      "created: no mark at that id",
      { mark: mine, provider: 3, meta: { region: "eu" } },
      live,
      /carries no ownership mark/,
    ],
    ["adopted: the same provider and meta", { provider: 3, meta: { region: "eu" } }, live, undefined],
    [
      "adopted: a marked configuration at that id",
      { provider: 3, meta: { region: "eu" } },
      withMark(mine),
      /carries none/,
    ],
    ["adopted: another provider", { provider: 4, meta: { region: "eu" } }, live, /provider is 3, not 4/],
    ["adopted: other meta", { provider: 3, meta: { region: "us" } }, live, /meta differs/],
    ["adopted: meta in another order is the same", { provider: 3, meta: {} }, { ...live, meta_json: [] }, undefined],
  ])("%s", (_, state, found, reason) => {
    const why = strangerReason(state, found);
    if (reason === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(reason);
  });
});

describe("strangerReason at a new address of the API (strict)", () => {
  const seen = { provider: 3, meta: { region: "eu" }, name: "Mine", active: true, baseUrl: "", sipUrl: "" };
  it.each([
    ["every field as last seen", seen, undefined],
    ["another name", { ...seen, name: "Theirs" }, /its name differ from what the stack's state last saw/],
    ["another sipUrl and active", { ...seen, sipUrl: "sip:x.example.com", active: false }, /its active, sipUrl differ/],
  ])("unmarked, %s", (_, state, reason) => {
    const why = strangerReason(state, live, true);
    if (reason === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(reason);
    // Without strict, the fields a PATCH may change are not identity: a change by hand is drift, not a stranger.
    expect(strangerReason(state, live)).toBeUndefined();
  });
});
