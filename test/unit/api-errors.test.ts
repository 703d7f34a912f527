// Every error a call to the API can end in, as its user reads it: the full URL, what went wrong and
// what to do, naming the setting and where it came from, never a secret. Over real HTTP: the local
// API server, or a tiny server for answers it never gives.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLLECTION_PATH, type TelephonyClient } from "../../src/client/index.js";
import { clientFor, resolveSettings } from "../../src/settings/settings.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { caught } from "../helpers/caught.js";

const BAD_TOKEN = "bad-token-7c1e9a";
const SECRET_INPUT = { api_key: "AC-key-3f9b27", api_secret: "secret-8d4e61" };
const SECRETS = [TOKEN, BAD_TOKEN, SECRET_INPUT.api_key, SECRET_INPUT.api_secret, "pw-a81f3c"];

let api: Api;
/** Answers every request with an HTML page, as a web server or a proxy's error page would. */
let page: Server;
let pageUrl: string;
/** Speaks only TLS (it has no certificate: it answers a hello with an alert), as an https-only server. */
let tls: TlsServer;
let tlsUrl: string;
beforeAll(async () => {
  tls = createTlsServer({});
  await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
  tlsUrl = `http://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  api = await startApi();
  page = createServer((_req, res) =>
    res.writeHead(404, { "content-type": "text/html" }).end("<html><body><h1>Not Found</h1></body></html>"),
  );
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await api.close();
  await new Promise((resolve) => page.close(resolve));
  await new Promise((resolve) => tls.close(resolve));
});

interface Row {
  case: string;
  /** The settings, each from the stack's config (`config`) or the environment (`env`). */
  config?: (url: string) => Record<string, string>;
  env?: (url: string) => Record<string, string>;
  /** Whose config it is, as the command or host names it. */
  configName?: string;
  call?: (client: TelephonyClient) => Promise<unknown>;
  /** The message, with the server's URL as {url} and the request id as {id}. */
  says: string;
  /** The base URL the row's server is at (default the local API server's). */
  server?: () => string;
  attempts?: number;
}

const settings = (prefix: string, url: string, token = TOKEN, org = "dev-org") => {
  const keys =
    prefix === "telephony:"
      ? ["telephony:apiUrl", "telephony:apiToken", "telephony:orgHandle", "telephony:productId"]
      : ["TELEPHONY_API_URL", "TELEPHONY_API_TOKEN", "TELEPHONY_ORG_HANDLE", "TELEPHONY_PRODUCT_ID"];
  return Object.fromEntries(keys.map((k, i) => [k, [url, token, org, "1"][i]!]));
};

const LIST = "/api/v2/platform/telephony/providers-configurations/";

const rows: Row[] = [
  {
    case: "401: a bad token from the environment",
    env: (url) => settings("TELEPHONY_", url, BAD_TOKEN),
    says:
      `GET {url}${LIST}: 401 Unauthorized — Invalid token. — [request id {id}] — ` +
      "the API did not accept the token: check the environment variable TELEPHONY_API_TOKEN",
  },
  {
    case: "401: a bad token in the config of the stack given with --stack, on a create with secrets",
    config: (url) => settings("telephony:", url, BAD_TOKEN),
    configName: "the config of stack prod",
    call: (client) => client.create({ name: "Twilio", provider: 3, ...SECRET_INPUT }),
    says:
      `POST {url}${LIST}: 401 Unauthorized — Invalid token. — [request id {id}] — ` +
      "the API did not accept the token: check telephony:apiToken in the config of stack prod",
  },
  {
    case: "401: a bad token in the stack's config (a Pulumi host)",
    config: (url) => ({ ...settings("telephony:", url, BAD_TOKEN), "telephony:apiUrl": url }),
    says:
      `GET {url}${LIST}: 401 Unauthorized — Invalid token. — [request id {id}] — ` +
      "the API did not accept the token: check telephony:apiToken in the stack's config",
  },
  {
    case: "403: an organization the token has no access to, from the environment",
    env: (url) => settings("TELEPHONY_", url, TOKEN, "acme"),
    says:
      `GET {url}${LIST}: 403 Forbidden — No access to organization acme. — [request id {id}] — ` +
      "the token has no access to organization acme: check the environment variable TELEPHONY_ORG_HANDLE, " +
      "or that the environment variable TELEPHONY_API_TOKEN is a token of that organization",
  },
  {
    case: "403: the org handle in the stack's config, the token in the environment",
    config: (url) => ({ "telephony:apiUrl": url, "telephony:orgHandle": "acme", "telephony:productId": "1" }),
    env: () => ({ TELEPHONY_API_TOKEN: TOKEN }),
    configName: "the config of stack prod",
    says:
      `GET {url}${LIST}: 403 Forbidden — No access to organization acme. — [request id {id}] — ` +
      "the token has no access to organization acme: check telephony:orgHandle in the config of stack prod, " +
      "or that the environment variable TELEPHONY_API_TOKEN is a token of that organization",
  },
  {
    case: "https to a plain-HTTP server: one line, not retried",
    env: (url) => settings("TELEPHONY_", url.replace("http:", "https:")),
    says:
      `GET {tls}${LIST}: no answer (ERR_SSL_WRONG_VERSION_NUMBER) — ` +
      "the server at {host} does not speak TLS (https): set the environment variable TELEPHONY_API_URL to {url}",
    attempts: 1,
  },
  {
    case: "http to a server that speaks only TLS",
    config: (url) => settings("telephony:", url),
    server: () => tlsUrl,
    says:
      `GET {url}${LIST}: no answer (UND_ERR_SOCKET: other side closed) after 4 attempts — ` +
      "the server at {host} speaks TLS (https), not plain HTTP: set telephony:apiUrl in the stack's config to https://{host}",
  },
  {
    case: "a path in apiUrl, the API's own 404",
    config: (url) => settings("telephony:", `${url}/api/v2`),
    configName: "the config of stack prod",
    says:
      `GET {url}/api/v2${LIST}: 404 Not Found — no such path: /api/v2${LIST} — [request id {id}] — ` +
      "telephony:apiUrl in the config of stack prod is {url}/api/v2, with a path (/api/v2) that comes before every path of the API: " +
      "it should be the server's address without a path ({url}), unless a proxy serves the API under /api/v2",
  },
  {
    // An item's 404 in the API's envelope may be its "no such configuration", behind a proxy that serves it under a path.
    case: "a path in apiUrl, the API's own 404 for an item: no path hint",
    config: (url) => settings("telephony:", `${url}/api/v2`),
    configName: "the config of stack prod",
    call: (client) => client.get(5),
    says: `GET {url}/api/v2${LIST}5/: 404 Not Found — no such path: /api/v2${LIST}5/ — [request id {id}]`,
  },
  {
    case: "a path in apiUrl, a web server's page",
    env: (url) => settings("TELEPHONY_", `${url}/api/v2/`),
    server: () => pageUrl,
    says:
      `GET {url}/api/v2${LIST}: 404 Not Found — this answer is not from the Provider Configurations API (not its JSON envelope): ` +
      'the base URL or a proxy in between is probably wrong — body: "<html><body><h1>Not Found</h1></body></html>" — ' +
      "the environment variable TELEPHONY_API_URL is {url}/api/v2, with a path (/api/v2) that comes before every path of the API: " +
      "it should be the server's address without a path ({url}), unless a proxy serves the API under /api/v2",
  },
  {
    case: "no path in apiUrl, a web server's page: the base URL, no path hint",
    env: (url) => settings("TELEPHONY_", url),
    server: () => pageUrl,
    says:
      `GET {url}${LIST}: 404 Not Found — this answer is not from the Provider Configurations API (not its JSON envelope): ` +
      'the base URL or a proxy in between is probably wrong — body: "<html><body><h1>Not Found</h1></body></html>"',
  },
  {
    case: "credentials and a query in apiUrl stay out of the message",
    env: (url) =>
      settings("TELEPHONY_", url.replace("http://", "http://user:pw-a81f3c@") + "/?token=pw-a81f3c", BAD_TOKEN),
    says:
      `GET {url}${LIST}: 401 Unauthorized — Invalid token. — [request id {id}] — ` +
      "the API did not accept the token: check the environment variable TELEPHONY_API_TOKEN",
  },
];

describe("what an error of the API says", () => {
  it.each(rows)("$case", async (row) => {
    const url = (row.server ?? (() => api.server.url))();
    const config = row.config?.(url) ?? {};
    const client = clientFor(resolveSettings((key) => config[key], row.env?.(url) ?? {}, row.configName));
    try {
      const error = await caught((row.call ?? ((c) => c.list()))(client));
      const host = new URL(url).host;
      const expected = row.says
        .replaceAll("{url}", url)
        .replaceAll("{tls}", url.replace("http:", "https:"))
        .replaceAll("{host}", host);
      expect(error.message.replace(/\[request id [0-9a-f-]{36}\]/, "[request id {id}]")).toBe(expected);
      expect(error.message).not.toContain("\n");
      for (const secret of SECRETS) expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain("?");
      if (row.attempts) expect(error).toMatchObject({ attempts: row.attempts });
    } finally {
      await client.close();
    }
  });

  it("keeps the typed fields code branches on", async () => {
    const client = clientFor(resolveSettings(() => undefined, settings("TELEPHONY_", api.server.url, BAD_TOKEN)));
    const error = await caught(client.list());
    await client.close();
    expect(error).toMatchObject({
      status: 401,
      method: "GET",
      path: COLLECTION_PATH,
      url: `${api.server.url}${COLLECTION_PATH}`,
      serverMessage: "Invalid token.",
      fieldErrors: {},
    });
  });
});
