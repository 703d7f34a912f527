// api/openapi.yaml is the API's reference: the document is valid OpenAPI 3.1, every answer the local
// server gives on every route (success and error) is one the document describes, checked by
// maintained OpenAPI validators rather than the project's own schemas, and the client's schemas
// and contract agree with it.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { OpenAPIBackend, type Document, type Operation } from "openapi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COLLECTION_PATH, itemPath, PATCHABLE_FIELDS, REQUIRED_HEADERS } from "../../src/client/contract.js";
import { OPENAPI_PATH, operationsOf, type OpenApiDocument } from "../../src/server/openapi.js";
import { startApiServer, type RunningServer } from "../../src/server/server.js";

const document = parse(readFileSync(OPENAPI_PATH, "utf8")) as Document & { paths: Record<string, object> };
const TOKEN = "openapi-token";
const full = { authorization: `Token ${TOKEN}`, "org-handle": "dev-org", "product-id": "7" };
const orgOnly = { authorization: `Token ${TOKEN}`, "org-handle": "dev-org" };

let api: OpenAPIBackend;
let errorEnvelope: ValidateFunction;
beforeAll(async () => {
  // Strict 2020-12 Ajv under openapi-backend: OpenAPI 3.1's schema dialect, and no keyword ignored unseen.
  api = new OpenAPIBackend({
    definition: document,
    quick: true, // the document is validated below, by a validator that knows 3.1
    strict: true,
    ignoreTrailingSlashes: false,
    coerceTypes: true,
    customizeAjv: (_ajv, options) => new Ajv2020({ ...options, strict: true, allErrors: true }),
  });
  await api.init();
  const definition = api.definition as unknown as { components: { schemas: Record<string, object> } };
  errorEnvelope = new Ajv2020({ strict: true }).compile(definition.components.schemas.ErrorEnvelope!);
});

describe("api/openapi.yaml", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it("has the client's paths and the organization headers each operation requires", () => {
    expect(Object.keys(document.paths)).toEqual([COLLECTION_PATH, itemPath("{id}")]);
    for (const operation of api.getOperations()) {
      const required = (operation.parameters ?? [])
        .map((p) => p as { in: string; name: string; required?: boolean })
        .filter((p) => p.in === "header" && p.required)
        .map((p) => p.name);
      const expected = REQUIRED_HEADERS[operation.operationId as keyof typeof REQUIRED_HEADERS];
      expect([operation.operationId, required.includes("Org-Handle"), required.includes("Product-ID")]).toEqual([
        operation.operationId,
        expected.orgHandle,
        expected.productId,
      ]);
    }
    expect(
      api
        .getOperations()
        .map((o) => o.operationId)
        .sort(),
    ).toEqual(Object.keys(REQUIRED_HEADERS).sort());
  });

  it("lets a PATCH write the client's patchable fields and no others", () => {
    const update = (document.components!.schemas!.UpdateRequest as { properties: object }).properties;
    expect(Object.keys(update).sort()).toEqual([...PATCHABLE_FIELDS].sort());
  });
});

interface Exchange {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  text: string;
}

let server: RunningServer;
let server200: RunningServer;
beforeAll(async () => {
  server = await startApiServer({ tokens: { [TOKEN]: ["dev-org", "other-org"], "third-token": ["third-org"] } });
  server200 = await startApiServer({
    tokens: { [TOKEN]: ["dev-org"] },
    createStatus: 200,
    rateLimit: { rate: 1, burst: 1 },
  });
  for (const org of ["dev-org", "other-org", "dev-org"]) {
    await send(server, "POST", COLLECTION_PATH, { ...full, "org-handle": org }, { name: "Seed", provider: 3 });
  }
});
afterAll(async () => {
  await server?.close();
  await server200?.close();
});

async function send(
  target: RunningServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Exchange> {
  const raw = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const sent = { ...headers, ...(raw === undefined ? {} : { "content-type": "application/json" }) };
  const response = await fetch(target.url + path, { method, headers: sent, body: raw });
  return {
    method,
    path,
    headers: sent,
    body,
    status: response.status,
    responseHeaders: Object.fromEntries(response.headers),
    text: await response.text(),
  };
}

/** The document's operation for the request, as openapi-backend's router finds it (undefined: none). */
function operationOf(exchange: Exchange): Operation | undefined {
  return api.matchOperation({ method: exchange.method, path: exchange.path, headers: exchange.headers });
}

/** The answer is one the document describes for the operation: status, content type, headers and body. */
function expectDocumentedAnswer(exchange: Exchange): void {
  const operation = operationOf(exchange);
  expect(operation, `${exchange.method} ${exchange.path} is an operation of the document`).toBeDefined();
  const response = operation!.responses![String(exchange.status)] as { content?: Record<string, unknown> };
  expect(response, `${operation!.operationId} documents ${exchange.status}`).toBeDefined();
  const contentType = exchange.responseHeaders["content-type"];
  if (response.content === undefined) {
    expect([contentType, exchange.text]).toEqual([undefined, ""]);
  } else {
    expect(Object.keys(response.content)).toContain(contentType);
  }
  const headers = api.validator.validateResponseHeaders(exchange.responseHeaders, operation!, {
    statusCode: exchange.status,
    setMatchType: "superset" as never,
  });
  expect(headers.errors ?? []).toEqual([]);
  if (contentType === "application/json") {
    const json = JSON.parse(exchange.text);
    const body = api.validator.validateResponse(json, operation!, exchange.status);
    expect(body.errors ?? [], exchange.text).toEqual([]);
    expect(json.status_code).toBe(exchange.status);
  }
}

/** What the document says of the request itself: valid, or why not. */
function requestVerdict(exchange: Exchange): boolean {
  const operation = operationOf(exchange)!;
  let body = exchange.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return false; // not JSON: no schema of the document takes it
    }
  }
  return api.validator.validateRequest(
    { method: exchange.method, path: exchange.path, headers: exchange.headers, body },
    operation,
  ).valid;
}

type Case = [
  name: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  status: number,
  before?: (target: RunningServer) => () => void,
];

const FAULTS: Array<[kind: "429" | "500" | "503", status: number]> = [
  ["429", 429],
  ["500", 500],
  ["503", 503],
];
const routes: Array<
  [operation: string, method: string, path: string, headers: Record<string, string>, body?: unknown]
> = [
  ["list", "GET", COLLECTION_PATH, full],
  ["create", "POST", COLLECTION_PATH, full, { name: "Twilio", provider: 3 }],
  ["get", "GET", itemPath(1), full],
  ["update", "PATCH", itemPath(1), full, { name: "Renamed" }],
  ["delete", "DELETE", itemPath(4), full],
];
const inject =
  (kind: "429" | "500" | "503") =>
  (target: RunningServer): (() => void) => {
    target.faults.inject(kind, 1);
    return () => {};
  };
const failingStore = (target: RunningServer): (() => void) => {
  const { insert, replace } = target.store;
  target.store.insert = target.store.replace = () => {
    throw new Error("disk on fire");
  };
  return () => Object.assign(target.store, { insert, replace });
};
const tooLarge = JSON.stringify({ name: "x".repeat(1 << 20), provider: 3 });

const cases: Case[] = [
  // list
  [
    "list: every organization the token may access",
    "GET",
    COLLECTION_PATH,
    { authorization: `Token ${TOKEN}` },
    undefined,
    200,
  ],
  ["list: one organization", "GET", COLLECTION_PATH, full, undefined, 200],
  ["list: an empty Org-Handle", "GET", COLLECTION_PATH, { ...full, "org-handle": "" }, undefined, 400],
  ["list: a Product-ID that is not an integer", "GET", COLLECTION_PATH, { ...full, "product-id": "x" }, undefined, 400],
  ["list: no token", "GET", COLLECTION_PATH, {}, undefined, 401],
  ["list: an unknown token", "GET", COLLECTION_PATH, { ...full, authorization: "Token nope" }, undefined, 401],
  ["list: an organization out of reach", "GET", COLLECTION_PATH, { ...full, "org-handle": "acme" }, undefined, 403],
  // create
  [
    "create: 201",
    "POST",
    COLLECTION_PATH,
    full,
    { name: "Twilio", provider: 3, meta_json: [{ meta_key: "k", meta_value: "v" }] },
    201,
  ],
  [
    "create: every field",
    "POST",
    COLLECTION_PATH,
    orgOnly,
    {
      name: "Jio",
      provider: 2,
      active: false,
      api_key: "k",
      api_secret: "s",
      base_url: "https://jio.example",
      sip_url: "sips:a@b",
      meta_json: [],
    },
    201,
  ],
  [
    "create: no Org-Handle",
    "POST",
    COLLECTION_PATH,
    { authorization: `Token ${TOKEN}` },
    { name: "x", provider: 3 },
    400,
  ],
  ["create: fields of the wrong type", "POST", COLLECTION_PATH, full, { provider: "3", active: "yes", id: 5 }, 400],
  ["create: a field it may not write", "POST", COLLECTION_PATH, full, { name: "x", provider: 3, org_handle: "x" }, 400],
  [
    "create: a base URL of another scheme",
    "POST",
    COLLECTION_PATH,
    full,
    { name: "x", provider: 3, base_url: "ftp://x" },
    400,
  ],
  ["create: a body that is not JSON", "POST", COLLECTION_PATH, full, '{"name": x}', 400],
  ["create: no body", "POST", COLLECTION_PATH, full, undefined, 400],
  ["create: a body that is an array", "POST", COLLECTION_PATH, full, [], 400],
  ["create: an unknown provider id", "POST", COLLECTION_PATH, full, { name: "x", provider: 999 }, 400],
  [
    "create: an unknown token",
    "POST",
    COLLECTION_PATH,
    { ...full, authorization: "Token nope" },
    { name: "x", provider: 3 },
    401,
  ],
  [
    "create: an organization out of reach",
    "POST",
    COLLECTION_PATH,
    { ...full, "org-handle": "third-org" },
    { name: "x", provider: 3 },
    403,
  ],
  ["create: a body over 1 MiB", "POST", COLLECTION_PATH, full, tooLarge, 413],
  [
    "create: a data file that cannot take the write",
    "POST",
    COLLECTION_PATH,
    full,
    { name: "x", provider: 3 },
    500,
    failingStore,
  ],
  // get
  ["get", "GET", itemPath(1), full, undefined, 200],
  ["get: no Product-ID", "GET", itemPath(1), orgOnly, undefined, 400],
  ["get: no Org-Handle", "GET", itemPath(1), { authorization: `Token ${TOKEN}`, "product-id": "7" }, undefined, 400],
  ["get: no token", "GET", itemPath(1), { "org-handle": "dev-org", "product-id": "7" }, undefined, 401],
  ["get: an organization out of reach", "GET", itemPath(1), { ...full, "org-handle": "acme" }, undefined, 403],
  ["get: no such configuration", "GET", itemPath(99), full, undefined, 404],
  ["get: another organization's configuration", "GET", itemPath(2), full, undefined, 404],
  ["get: an id with a leading zero", "GET", itemPath("01"), full, undefined, 404],
  // update
  ["update", "PATCH", itemPath(1), full, { name: "Renamed", active: false, base_url: null, sip_url: "" }, 200],
  ["update: a field not writable on PATCH", "PATCH", itemPath(1), full, { provider: 4, meta_json: [] }, 400],
  ["update: an empty name", "PATCH", itemPath(1), full, { name: "" }, 400],
  ["update: a body that is not JSON", "PATCH", itemPath(1), full, "{", 400],
  ["update: no Product-ID", "PATCH", itemPath(1), orgOnly, { name: "x" }, 400],
  ["update: an unknown token", "PATCH", itemPath(1), { ...full, authorization: "Token nope" }, { name: "x" }, 401],
  ["update: an organization out of reach", "PATCH", itemPath(1), { ...full, "org-handle": "acme" }, { name: "x" }, 403],
  ["update: no such configuration", "PATCH", itemPath(99), full, { name: "x" }, 404],
  ["update: a body over 1 MiB", "PATCH", itemPath(1), full, tooLarge, 413],
  ["update: a data file that cannot take the write", "PATCH", itemPath(1), full, { name: "x" }, 500, failingStore],
  // delete
  ["delete", "DELETE", itemPath(3), full, undefined, 204],
  ["delete: gone already", "DELETE", itemPath(3), full, undefined, 404],
  ["delete: no Product-ID", "DELETE", itemPath(1), orgOnly, undefined, 400],
  ["delete: an empty Org-Handle", "DELETE", itemPath(1), { ...full, "org-handle": " " }, undefined, 400],
  ["delete: no token", "DELETE", itemPath(1), {}, undefined, 401],
  ["delete: an organization out of reach", "DELETE", itemPath(1), { ...full, "org-handle": "acme" }, undefined, 403],
  // faults that the API answers, on every route
  ...routes.flatMap(([operation, method, path, headers, body]) =>
    FAULTS.map(([kind, status]): Case => [
      `${operation}: fault ${kind}`,
      method,
      path,
      headers,
      body,
      status,
      inject(kind),
    ]),
  ),
];

describe("the local server's answers, against api/openapi.yaml", () => {
  it.each(cases)("%s", async (_name, method, path, headers, body, status, before) => {
    const restore = before?.(server);
    const exchange = await send(server, method, path, headers, body).finally(() => restore?.());
    expect(exchange.status, exchange.text).toBe(status);
    expectDocumentedAnswer(exchange);
    // The server and the document agree on which requests are valid; the catalogue of provider ids
    // is the server's data, not the document's.
    const catalogue = status === 400 && (body as { provider?: number })?.provider === 999;
    if (status < 300) expect(requestVerdict(exchange)).toBe(true);
    if (status === 400 && !catalogue) expect(requestVerdict(exchange)).toBe(false);
    if (catalogue) expect(requestVerdict(exchange)).toBe(true);
  });

  it("the checks above catch an answer the document does not describe", async () => {
    const exchange = await send(server, "GET", itemPath(1), full);
    expectDocumentedAnswer(exchange);
    const answer = JSON.parse(exchange.text);
    for (const tampered of [
      { ...answer, data: { ...answer.data, api_key: null } },
      { ...answer, data: { ...answer.data, provider_details: undefined } },
      { ...answer, status_code: undefined },
    ]) {
      expect(() => expectDocumentedAnswer({ ...exchange, text: JSON.stringify(tampered) })).toThrow();
    }
    expect(() => expectDocumentedAnswer({ ...exchange, status: 409 })).toThrow(/documents 409/);
    const { "x-request-id": _, ...withoutId } = exchange.responseHeaders;
    expect(() => expectDocumentedAnswer({ ...exchange, responseHeaders: withoutId })).toThrow();
  });

  it("answers 429 with Retry-After, injected or under its rate limit", async () => {
    server.faults.inject("429", 1);
    const injected = await send(server, "GET", COLLECTION_PATH, full);
    await send(server200, "GET", COLLECTION_PATH, full);
    const limited = await send(server200, "GET", COLLECTION_PATH, full);
    for (const exchange of [injected, limited]) {
      expect(exchange.status).toBe(429);
      expect(exchange.responseHeaders["retry-after"]).toMatch(/^\d+$/);
      expectDocumentedAnswer(exchange);
    }
  });

  it("answers create with 200 where configured so, as the vendor documents", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the rate limit of 1/s above
    const exchange = await send(server200, "POST", COLLECTION_PATH, full, { name: "Twilio", provider: 3 });
    expect(exchange.status).toBe(200);
    expectDocumentedAnswer(exchange);
  });

  it("answers 400 with reasons per field, in the document's envelope", async () => {
    const exchange = await send(server, "POST", COLLECTION_PATH, full, { provider: "3", id: 5 });
    expectDocumentedAnswer(exchange);
    expect(JSON.parse(exchange.text).errors).toEqual({
      name: ["is required"],
      provider: ["must be integer"],
      id: ["is not a writable field"],
    });
  });

  it("a proxy's 502 page is described as what it is: not the API's envelope", async () => {
    server.faults.inject("gateway", 1);
    const exchange = await send(server, "GET", COLLECTION_PATH, full);
    expect([exchange.status, exchange.responseHeaders["content-type"]]).toEqual([502, "text/html"]);
    expectDocumentedAnswer(exchange);
  });

  it.each([
    ["a path the document does not have", "GET", "/api/v2/platform/telephony/", 404, undefined],
    ["a path without its trailing slash", "GET", COLLECTION_PATH.slice(0, -1), 404, undefined],
    ["PUT on the collection", "PUT", COLLECTION_PATH, 405, "GET, POST"],
    ["DELETE on the collection", "DELETE", COLLECTION_PATH, 405, "GET, POST"],
    ["POST on an item", "POST", itemPath(1), 405, "GET, PATCH, DELETE"],
  ])("outside the document's operations, %s: the error envelope", async (_name, method, path, status, allow) => {
    const exchange = await send(server, method, path, full);
    expect(operationOf(exchange)).toBeUndefined();
    expect(exchange.status).toBe(status);
    expect(errorEnvelope(JSON.parse(exchange.text)), exchange.text).toBe(true);
    expect(exchange.responseHeaders["x-request-id"]).toBeDefined();
    if (allow) {
      // Allow names the methods the document gives the path, in its order.
      const documented = Object.keys(document.paths[path.endsWith("1/") ? itemPath("{id}") : COLLECTION_PATH]!);
      expect(allow).toBe(
        documented
          .filter((key) => key !== "parameters")
          .map((m) => m.toUpperCase())
          .join(", "),
      );
      expect(exchange.responseHeaders.allow).toBe(allow);
    }
  });
});

describe("the client's schemas (schemas/api) agree with the document", () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const name of ["configuration", "create-request", "update-request"]) {
    ajv.addSchema(JSON.parse(readFileSync(new URL(`../../schemas/api/${name}.schema.json`, import.meta.url), "utf8")));
  }
  const client = (name: string) => ajv.getSchema(`https://telephony-config.dev/schemas/api/${name}.schema.json`)!;
  const documented = (name: string): ValidateFunction => {
    const validate = new Ajv2020({ strict: true, allErrors: true });
    validate.addKeyword("components");
    validate.addSchema({ $id: "https://example.invalid/openapi", components: document.components });
    return validate.getSchema(`https://example.invalid/openapi#/components/schemas/${name}`)!;
  };
  const configuration = {
    id: 1,
    name: "Twilio",
    provider: 3,
    provider_details: { id: 3, name: "Twilio", description: "Twilio programmable voice", icon: "https://x/t.svg" },
    org_handle: "dev-org",
    meta_json: [{ meta_key: "region", meta_value: "eu" }],
    active: true,
    api_key: "k",
    api_secret: "s",
    base_url: "https://api.twilio.com",
    sip_url: "sip:a@b",
  };
  const VALUES = [
    null,
    "",
    " ",
    "x",
    "x".repeat(256),
    "https://a.example",
    "http://a",
    "ftp://a",
    "sip:a@b",
    "sips:a",
    "sip:",
    0,
    1,
    1.5,
    -1,
    true,
    false,
    [],
    {},
    [{ meta_key: "k", meta_value: "v" }],
    [{ meta_key: "", meta_value: "v" }],
    [{ meta_key: "k" }],
    [{ meta_key: "k", meta_value: "v", extra: 1 }],
  ];
  /** The base object, each field replaced by each value and left out, and an unknown field added. */
  const samples = (base: Record<string, unknown>, fields: string[]) => [
    base,
    { ...base, unknown: 1 },
    ...fields.flatMap((field) => [
      Object.fromEntries(Object.entries(base).filter(([k]) => k !== field)),
      ...VALUES.map((value) => ({ ...base, [field]: value })),
    ]),
  ];
  const propertiesOf = (schema: unknown) => Object.keys((schema as { properties: object }).properties).sort();
  const schemas = document.components!.schemas!;

  it.each([
    ["create-request", "CreateRequest", { name: "x", provider: 3 }],
    ["update-request", "UpdateRequest", { name: "x" }],
  ])("%s takes exactly the bodies the document's %s takes", (file, component, base) => {
    const ours = client(file);
    const theirs = documented(component);
    expect(propertiesOf(ours.schema)).toEqual(propertiesOf(schemas[component]));
    const disagreements = samples(base, [...propertiesOf(schemas[component]), "org_handle", "id"])
      .filter((sample) => ours(sample) !== theirs(sample))
      .map((sample) => JSON.stringify(sample));
    expect(disagreements).toEqual([]);
  });

  it("configuration takes every configuration the document describes", () => {
    const ours = client("configuration");
    const theirs = documented("Configuration");
    expect(propertiesOf(ours.schema)).toEqual(propertiesOf(schemas.Configuration));
    const all = samples(configuration, propertiesOf(schemas.Configuration));
    const documentedOnes = all.filter((sample) => theirs(sample));
    expect(documentedOnes.length).toBeGreaterThan(10);
    expect(documentedOnes.filter((sample) => !ours(sample)).map((s) => JSON.stringify(s))).toEqual([]);
  });
});

describe("the server's reading of the document", () => {
  it("takes the headers a path item requires for each of its operations, as OpenAPI means them", () => {
    const moved = structuredClone(document) as unknown as OpenApiDocument & {
      paths: Record<string, Record<string, { parameters?: unknown[] } | unknown[]>>;
    };
    // The same meaning, written once per path instead of per operation.
    for (const item of Object.values(moved.paths)) {
      const operations = Object.values(item).filter((o) => !Array.isArray(o)) as Array<{ parameters?: unknown[] }>;
      const common = (operations[0]?.parameters ?? []).filter((p) =>
        operations.every((o) => o.parameters?.some((q) => JSON.stringify(q) === JSON.stringify(p))),
      );
      item.parameters = common;
      for (const o of operations)
        o.parameters = o.parameters?.filter((p) => !common.some((q) => JSON.stringify(q) === JSON.stringify(p)));
    }
    expect(JSON.stringify(moved)).not.toBe(JSON.stringify(document));
    const requires = (d: OpenApiDocument) => operationsOf(d).map((o) => [o.operationId, o.requires]);
    expect(requires(moved)).toEqual(requires(document as unknown as OpenApiDocument));
  });
});

describe("the server's reading of a header parameter", () => {
  it("ignores the case of its name, and lets an operation's own override the path item's", () => {
    const doc = structuredClone(document) as unknown as OpenApiDocument & {
      paths: Record<string, Record<string, unknown>>;
    };
    const item = Object.entries(doc.paths).find(([path]) => path.includes("{id}"))![1];
    item.parameters = [{ name: "org-handle", in: "header", required: true, schema: { type: "string" } }];
    // update and delete take the header from the path item alone; get says it is optional for itself.
    type Op = { parameters: Array<Record<string, unknown> | { $ref: string }> };
    const withoutOrgHandle = (op: Op) =>
      op.parameters.filter((p) => !("$ref" in p && /OrgHandle/.test(String(p.$ref))));
    for (const method of ["patch", "delete"]) (item[method] as Op).parameters = withoutOrgHandle(item[method] as Op);
    const get = item.get as Op;
    get.parameters = [
      ...withoutOrgHandle(get),
      { name: "ORG-HANDLE", in: "header", required: false, schema: { type: "string" } },
    ];
    const requires = Object.fromEntries(operationsOf(doc).map((o) => [o.operationId, o.requires.orgHandle]));
    expect(requires).toMatchObject({ get: false, update: true, delete: true });
  });
});
