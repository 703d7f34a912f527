import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { COLLECTION_PATH, type ProviderConfiguration } from "../client/contract.js";
import { fieldErrors, validateCreateRequest, validateUpdateRequest } from "../schemas.js";
import { PROVIDER_CATALOGUE } from "./catalogue.js";
import { AFTER_FAULTS, Faults, type FaultKind, type FaultOptions } from "./faults.js";
import { MemoryStore, type Store, type StoredConfiguration } from "./store.js";

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** Set for requests that carried a JSON body: its top-level keys, never its values. */
  bodyKeys?: string[];
  /** Set when the request was carried out but its answer was lost on purpose (`status` is what it would have been). */
  fault?: FaultKind;
}

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** token → organizations it may access. Default: dev-token → [dev-org]. */
  tokens?: Record<string, string[]>;
  store?: Store;
  faults?: FaultOptions;
  /** The API answers create with 200 (documented) or 201 (newer deployments). Default 201. */
  createStatus?: 200 | 201;
  /** Requests per second it takes, with bursts of `burst`; past that, 429 with Retry-After. */
  rateLimit?: { rate: number; burst: number };
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** token → organizations; may be changed while running (token rotation tests). */
  tokens: Map<string, string[]>;
  faults: Faults;
  store: Store;
  /** Every request answered (or dropped) so far, in order. */
  requests: RequestLogEntry[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export const DEFAULT_TOKENS: Record<string, string[]> = { "dev-token": ["dev-org"] };

const GATEWAY_PAGE =
  "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";
const ITEM_PATH = /^\/api\/v2\/platform\/telephony\/providers-configurations\/([^/]+)\/$/;
/** One spelling per id: `/01/` is not configuration 1 (API-CONTRACT.md as this project fixes it: 404). */
const ID = /^[1-9][0-9]*$/;
const MAX_BODY = 1 << 20;

interface Answer {
  status: number;
  message: string;
  data?: unknown;
  errors?: Record<string, string[]>;
  headers?: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string[]>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** The Provider Configurations API, as API-CONTRACT.md fixes it, on node:http. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  // A Map, not an object: no token can be "constructor" or "__proto__".
  const tokens = new Map(Object.entries(options.tokens ?? DEFAULT_TOKENS));
  const store = options.store ?? new MemoryStore();
  const faults = new Faults(options.faults);
  const createStatus = options.createStatus ?? 201;
  const requests: RequestLogEntry[] = [];
  let connections = 0;
  const bucket = options.rateLimit && { ...options.rateLimit, tokens: options.rateLimit.burst, at: Date.now() };
  /** Seconds until a request may come, or 0 when this one may (and it is counted). */
  const tooSoon = (): number => {
    if (!bucket) return 0;
    const now = Date.now();
    bucket.tokens = Math.min(bucket.burst, bucket.tokens + ((now - bucket.at) / 1000) * bucket.rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / bucket.rate));
  };

  let logFailed = false;
  const log = (entry: RequestLogEntry) => {
    requests.push(entry);
    try {
      options.onRequest?.(entry);
    } catch (error) {
      // Best effort: a log that cannot be written never fails a request that was carried out.
      if (!logFailed)
        console.error(`telephony-config serve: cannot write the request log: ${(error as Error).message}`);
      logFailed = true;
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug here must not take the server down; the client sees a 500 envelope, and the log has it.
      log({ method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, status: 500 });
      if (!res.headersSent) send(res, { status: 500, message: `internal error: ${(error as Error).message}` });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => connections++);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0]!;
    // Authenticated before the body is read: an unknown caller's body is never parsed.
    const caller = authenticate(req);
    const raw = caller ? await readBody(req) : Buffer.alloc(0);
    if (!caller) req.resume();
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);

    const fault = faults.pick(method);
    if (fault === "drop") {
      log({ method, path, status: 0 });
      req.socket.destroy();
      return;
    }
    let answer: Answer;
    let bodyKeys: string[] | undefined;
    const wait = tooSoon();
    if (wait > 0) {
      answer = {
        status: 429,
        message: "Too many requests: rate limit exceeded.",
        headers: { "retry-after": String(wait) },
      };
    } else if (fault && !AFTER_FAULTS.has(fault)) {
      answer = { status: Number(fault), message: `injected fault ${fault}` };
      if (fault === "429") answer.headers = { "retry-after": String(faults.retryAfterSeconds) };
    } else {
      // Parsed here for the log, judged by the route after authentication: a 401 comes before a 400.
      let parsed: unknown;
      let parseError: string | undefined;
      const text = raw?.toString("utf8");
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Where, never what: the body may hold a secret, and V8's message quotes it.
        const position = jsonErrorPosition(text!);
        parseError =
          position === undefined
            ? "The body is not valid JSON: it ends too early."
            : `The body is not valid JSON (at position ${position}).`;
      }
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) bodyKeys = Object.keys(parsed);
      const body = () => {
        if (raw === undefined) throw new HttpError(413, "The body is too large.");
        if (parseError !== undefined) throw new HttpError(400, parseError);
        return parsed;
      };
      try {
        if (!caller)
          throw new HttpError(
            401,
            req.headers.authorization ? "Invalid token." : "Authentication credentials were not provided.",
          );
        answer = route(method, path, req, caller, body);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        answer = {
          status: error.status,
          message: error.message,
          ...(error.errors ? { errors: error.errors } : {}),
          ...(error.headers ? { headers: error.headers } : {}),
        };
      }
    }
    // Logged before the answer leaves, so that whoever got the answer finds it in the log. After a
    // fault that loses the answer, the log says what was done and how the answer was lost.
    const done = { method, path, status: answer.status, ...(bodyKeys ? { bodyKeys } : {}) };
    if (fault === "lost") {
      log({ ...done, fault });
      req.socket.destroy();
      return;
    }
    if (fault === "gateway") {
      log({ ...done, fault });
      res.writeHead(502, { "content-type": "text/html" }).end(GATEWAY_PAGE);
      return;
    }
    log(done);
    send(res, answer);
  }

  function route(method: string, path: string, req: IncomingMessage, orgs: string[], body: () => unknown): Answer {
    if (path === COLLECTION_PATH) {
      if (method === "GET") return list(req, orgs);
      if (method === "POST") return create(req, orgs, body);
      throw new HttpError(405, `method ${method} is not allowed here`, undefined, { allow: "GET, POST" });
    }
    const match = ITEM_PATH.exec(path);
    if (!match) {
      const hint = path.endsWith("/") ? "" : " (paths end with a slash)";
      throw new HttpError(404, `no such path: ${path}${hint}`);
    }
    if (!["GET", "PATCH", "DELETE"].includes(method))
      throw new HttpError(405, `method ${method} is not allowed here`, undefined, { allow: "GET, PATCH, DELETE" });
    const { org } = authorize(req, orgs, { orgRequired: true, productRequired: true });
    const id = ID.test(match[1]!) ? Number(match[1]) : NaN;
    const found = store.get(id);
    if (!found || found.org_handle !== org) throw new HttpError(404, `provider configuration ${match[1]} not found`);
    if (method === "GET") return { status: 200, message: "Provider configuration fetched", data: present(found) };
    if (method === "DELETE") {
      store.delete(id);
      return { status: 204, message: "Provider configuration deleted" };
    }
    return update(found, body());
  }

  /** The organizations the request's token may access; undefined for a missing or unknown token. */
  function authenticate(req: IncomingMessage): string[] | undefined {
    const token = /^Token (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (token === undefined) return undefined;
    // Every token is compared, each in constant time, over digests of equal length.
    const digest = createHash("sha256").update(token).digest();
    let found: string[] | undefined;
    for (const [known, orgs] of tokens) {
      if (timingSafeEqual(digest, createHash("sha256").update(known).digest())) found = orgs;
    }
    return found;
  }

  /** 400 for missing or empty headers, 403 for an organization out of reach. */
  function authorize(
    req: IncomingMessage,
    orgs: string[],
    needs: { orgRequired: boolean; productRequired: boolean },
  ): { org: string | undefined } {
    const org = header(req, "org-handle");
    if (org === "") throw new HttpError(400, "The Org-Handle header is empty.");
    if (needs.orgRequired && org === undefined) throw new HttpError(400, "The Org-Handle header is required.");
    const product = header(req, "product-id");
    if (needs.productRequired && !product) throw new HttpError(400, "The Product-ID header is required.");
    if (product !== undefined && !/^\d+$/.test(product))
      throw new HttpError(400, "The Product-ID header must be an integer.");
    if (org !== undefined && !orgs.includes(org)) throw new HttpError(403, `No access to organization ${org}.`);
    return { org };
  }

  function list(req: IncomingMessage, orgs: string[]): Answer {
    const { org } = authorize(req, orgs, { orgRequired: false, productRequired: false });
    const visible = org ? [org] : orgs;
    const data = store
      .all()
      .filter((c) => visible.includes(c.org_handle))
      .map(present);
    return { status: 200, message: "Provider configurations fetched", data };
  }

  function create(req: IncomingMessage, orgs: string[], readBody: () => unknown): Answer {
    const org = authorize(req, orgs, { orgRequired: true, productRequired: false }).org!;
    const body = readBody();
    if (!validateCreateRequest(body)) {
      throw new HttpError(400, "Invalid provider configuration.", fieldErrors(validateCreateRequest.errors));
    }
    if (!PROVIDER_CATALOGUE.has(body.provider)) {
      throw new HttpError(400, "Invalid provider configuration.", {
        provider: [`unknown provider id ${body.provider}`],
      });
    }
    const stored = store.insert({
      name: body.name,
      provider: body.provider,
      org_handle: org,
      meta_json: body.meta_json ?? [],
      active: body.active ?? true,
      api_key: body.api_key ?? "",
      api_secret: body.api_secret ?? "",
      base_url: body.base_url ?? null,
      sip_url: body.sip_url ?? "",
    });
    return { status: createStatus, message: "Provider configuration created", data: present(stored) };
  }

  function update(found: StoredConfiguration, body: unknown): Answer {
    if (!validateUpdateRequest(body)) {
      throw new HttpError(400, "Invalid provider configuration.", fieldErrors(validateUpdateRequest.errors));
    }
    const updated = { ...found, ...body };
    store.replace(updated);
    return { status: 200, message: "Provider configuration updated", data: present(updated) };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    tokens,
    faults,
    store,
    requests,
    connections: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}

function present(c: StoredConfiguration): ProviderConfiguration {
  return {
    id: c.id,
    name: c.name,
    provider: c.provider,
    provider_details: PROVIDER_CATALOGUE.get(c.provider) ?? null,
    org_handle: c.org_handle,
    meta_json: c.meta_json,
    active: c.active,
    api_key: c.api_key,
    api_secret: c.api_secret,
    base_url: c.base_url,
    sip_url: c.sip_url,
  };
}

/**
 * Where invalid JSON goes wrong: the offset of the first character no valid document could continue
 * with, found by bisecting on prefixes (one that merely ends early is not wrong yet). Undefined when
 * the text only ends too early.
 */
function jsonErrorPosition(text: string): number | undefined {
  const wrong = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      // An error at the very end of the prefix only says that it ends there.
      const message = (error as Error).message;
      const at = /at position (\d+)/.exec(message)?.[1];
      return !message.includes("Unexpected end of JSON input") && (at === undefined || Number(at) < length);
    }
  };
  if (!wrong(text.length)) return undefined;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (wrong(middle)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

/** The header's value, trimmed; "" when it is sent empty, undefined when it is not sent. */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim();
}

/** The whole body, or undefined when it is larger than the server takes. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY ? undefined : Buffer.concat(chunks);
}

function send(res: ServerResponse, answer: Answer): void {
  res.setHeader("x-request-id", randomUUID());
  for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
  if (answer.status === 204) {
    res.writeHead(204).end();
    return;
  }
  const body = JSON.stringify({
    status_code: answer.status,
    message: answer.message,
    data: answer.data ?? {},
    ...(answer.errors ? { errors: answer.errors } : {}),
  });
  res
    .writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    .end(body);
}
