// Faults a real server can't produce cleanly, made with nock. nock intercepts the global fetch the
// client sends through; the first test fails if that interception is not in place.
import { Readable } from "node:stream";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { COLLECTION_PATH, itemPath, TelephonyApiError, TelephonyClient } from "../../src/client/index.js";
import { caught } from "../helpers/caught.js";

// .invalid never resolves (RFC 6761): without interception every request here fails.
const BASE = "http://telephony-api.invalid";
const TOKEN = "tok-9f8e7d6c";
const configuration = {
  id: 42,
  name: "Twilio Support",
  provider: 3,
  provider_details: { id: 3, name: "Twilio", description: "", icon: "" },
  org_handle: "dev-org",
  meta_json: [],
  active: true,
  api_key: "AC-live-key-1111",
  api_secret: "live-secret-2222",
  base_url: null,
  sip_url: "",
};
const envelope = (data: unknown, status = 200) => ({ status_code: status, message: "ok", data });

const clients: TelephonyClient[] = [];
const client = () => {
  const c = new TelephonyClient({
    baseUrl: BASE,
    token: TOKEN,
    orgHandle: "dev-org",
    productId: 7,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  clients.push(c);
  return c;
};

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(async () => {
  nock.cleanAll();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe("faults made with nock", () => {
  it("intercepts the client's requests (this fails when the interceptor is not in place)", async () => {
    const scope = nock(BASE)
      .get(COLLECTION_PATH)
      .reply(200, envelope([configuration]));
    expect(await client().list()).toEqual([configuration]);
    expect(scope.isDone()).toBe(true);
  });

  it("an HTML 502 page from a proxy: status and an excerpt, retried, then reported", async () => {
    const page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>nginx</body></html>";
    const scope = nock(BASE).get(itemPath(42)).times(4).reply(502, page, { "content-type": "text/html" });
    const error = await caught(client().get(42));
    expect(scope.isDone()).toBe(true);
    expect(error).toBeInstanceOf(TelephonyApiError);
    expect(error).toMatchObject({
      status: 502,
      attempts: 4,
      bodyExcerpt: expect.stringContaining("<title>502 Bad Gateway"),
    });
    expect(error.message).toMatch(
      /^GET http:\/\/telephony-api\.invalid\/api\/v2\/platform\/telephony\/providers-configurations\/42\/: 502 Bad Gateway/,
    );
  });

  it("an empty error body", async () => {
    nock(BASE).delete(itemPath(42)).reply(500, "");
    const error = await caught(client().delete(42));
    expect(error).toMatchObject({ status: 500, bodyExcerpt: "" });
  });

  it("malformed JSON in a success answer", async () => {
    nock(BASE)
      .post(COLLECTION_PATH)
      .reply(201, '{"status_code": 201, "data": {"id": 4', { "content-type": "application/json" });
    const error = await caught(client().create({ name: "x", provider: 3 }));
    expect(error).toMatchObject({
      status: 201,
      serverMessage: "the answer is not the JSON envelope the API promises (37 bytes, not shown)",
      bodyExcerpt: undefined,
    });
  });

  it("a configuration that breaks the contract, with its secrets masked", async () => {
    nock(BASE)
      .get(itemPath(42))
      .reply(200, envelope({ ...configuration, id: "forty-two" }));
    const error = await caught(client().get(42));
    expect(error.message).toMatch(/breaks the contract: \/data\/id must be integer/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/AC-live-key-1111|live-secret-2222/);
  });

  it("a list whose data is not an array", async () => {
    nock(BASE).get(COLLECTION_PATH).reply(200, envelope({}));
    expect((await caught(client().list())).message).toMatch(/data is not an array/);
  });

  it("a body cut off in the middle: status and excerpt", async () => {
    nock(BASE)
      .post(COLLECTION_PATH)
      .reply(
        201,
        () =>
          new Readable({
            read() {
              this.push('{"status_code": 201, "message": "created", "da');
              this.destroy(new Error("socket hang up"));
            },
          }),
      );
    const error = await caught(client().create({ name: "x", provider: 3 }));
    expect(error).toBeInstanceOf(TelephonyApiError);
    expect(error).toMatchObject({
      status: 201,
      bodyExcerpt: undefined,
      serverMessage: expect.stringContaining("not shown"),
    });
  });

  it("a delete answered 204 with an envelope", async () => {
    const scope = nock(BASE).delete(itemPath(42)).reply(204, envelope({}, 204));
    await expect(client().delete(42)).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it("a server message that echoes secrets and the token is redacted everywhere", async () => {
    nock(BASE)
      .patch(itemPath(42))
      .reply(400, {
        status_code: 400,
        message: `api_key AC-new-key-3333 rejected for token ${TOKEN}`,
        data: {},
        errors: { api_secret: ["new-secret-4444 is too short"] },
      });
    const error = await caught(client().update(42, { api_key: "AC-new-key-3333", api_secret: "new-secret-4444" }));
    const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    expect(everything).not.toMatch(/AC-new-key-3333|new-secret-4444|tok-9f8e7d6c/);
    expect(error.message).toContain("api_key [REDACTED] rejected for token [REDACTED]");
    expect((error as TelephonyApiError).fieldErrors).toEqual({ api_secret: ["[REDACTED] is too short"] });
  });

  it("a successful answer that is not the envelope is never quoted: it may list live secrets", async () => {
    nock(BASE).get(COLLECTION_PATH).reply(200, [configuration]);
    nock(BASE).get(itemPath(42)).reply(200, { status_code: 200, message: null, data: configuration });
    for (const call of [client().list(), client().get(42)]) {
      const error = await caught(call);
      expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/AC-live-key-1111|live-secret-2222/);
    }
  });

  it("an error body is masked before it is cut: secret fields, escaped and encoded forms, a secret inside another", async () => {
    const key = "AC-new-key-3333";
    const longer = `${key}-and-more`;
    const body = `<html>token=${TOKEN}&api_secret=s3cr3t-value-9 ${JSON.stringify({ note: `q"${key}` }).slice(1, -1)} ${encodeURIComponent(`a b/${longer}`)} ${"x".repeat(120)} ${longer}</html>`;
    nock(BASE).patch(itemPath(42)).reply(500, body, { "content-type": "text/html" });
    const error = await caught(client().update(42, { api_key: key, api_secret: longer }));
    const everything = JSON.stringify({ ...error, message: error.message });
    expect(everything).not.toMatch(/AC-new-key|s3cr3t-value|tok-9f8e7d6c|and-more/);
    expect((error as TelephonyApiError).bodyExcerpt).toContain("[REDACTED]");
  });

  it.each([
    ["a Python repr", `{'api_key': 'LIVE-KEY-123', 'api_secret': "LIVE-SECRET-456"}`],
    [
      "a form and a header line",
      "api-key=LIVE-KEY-123&x=1\nX-Api-Key: LIVE-SECRET-456\nAuthorization: Token LIVE-KEY-123",
    ],
    ["JSON", '[{"id": 1, "api_key": "LIVE-KEY-123", "apiSecret": "LIVE-SECRET-456"}]'],
  ])("secret fields in %s are masked in an error body", async (_name, body) => {
    nock(BASE).get(COLLECTION_PATH).reply(500, body, { "content-type": "text/plain" });
    const error = await caught(client().list());
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(/LIVE-KEY-123|LIVE-SECRET-456/);
  });

  it("a known secret echoed HTML-escaped, and one in an errors key, is masked", async () => {
    nock(BASE).patch(itemPath(42)).reply(500, "<p>rejected S&amp;cret-known-1</p>", { "content-type": "text/html" });
    const html = await caught(client().update(42, { api_secret: "S&cret-known-1" }));
    expect(JSON.stringify({ ...html, message: html.message })).not.toContain("cret-known-1");
    nock(BASE)
      .patch(itemPath(42))
      .reply(400, { status_code: 400, message: "bad", data: {}, errors: { "S&cret-known-1": ["is not a field"] } });
    const keyed = await caught(client().update(42, { api_secret: "S&cret-known-1" }));
    expect(JSON.stringify({ ...keyed, message: keyed.message })).not.toContain("cret-known-1");
  });

  it("a request id from the server is kept on the error", async () => {
    nock(BASE)
      .get(itemPath(7))
      .reply(404, { status_code: 404, message: "Not found.", data: {} }, { "x-request-id": "req-abc" });
    const error = await caught(client().get(7));
    expect(error).toMatchObject({ status: 404, requestId: "req-abc" });
    expect(error.message).toContain("[request id req-abc]");
  });
});
