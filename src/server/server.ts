import { randomUUID } from "node:crypto";
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
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** token → organizations; may be changed while running (token rotation tests). */
  tokens: Record<string, string[]>;
  faults: Faults;
  store: Store;
  /** Every request answered (or dropped) so far, in order. */
  requests: RequestLogEntry[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export const DEFAULT_TOKENS: Record<string, string[]> = { "dev-token": ["dev-org"] };

const GATEWAY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";
const ITEM_PATH = /^\/api\/v2\/platform\/telephony\/providers-configurations\/([^/]+)\/$/;
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
  ) {
    super(message);
  }
}

/** The Provider Configurations API, as API-CONTRACT.md fixes it, on node:http. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const tokens = { ...(options.tokens ?? DEFAULT_TOKENS) };
  const store = options.store ?? new MemoryStore();
  const faults = new Faults(options.faults);
  const createStatus = options.createStatus ?? 201;
  const requests: RequestLogEntry[] = [];
  let connections = 0;

  const log = (entry: RequestLogEntry) => {
    requests.push(entry);
    options.onRequest?.(entry);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug here must not take the server down; the client sees a 500 envelope.
      if (!res.headersSent) send(res, { status: 500, message: `internal error: ${(error as Error).message}` });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => connections++);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0]!;
    const raw = await readBody(req);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);

    const fault = faults.pick(method);
    if (fault === "drop") {
      log({ method, path, status: 0 });
      req.socket.destroy();
      return;
    }
    let answer: Answer;
    let bodyKeys: string[] | undefined;
    if (fault && !AFTER_FAULTS.has(fault)) {
      answer = { status: Number(fault), message: `injected fault ${fault}` };
      if (fault === "429") answer.headers = { "retry-after": String(faults.retryAfterSeconds) };
    } else {
      // Parsed here for the log, judged by the route after authentication: a 401 comes before a 400.
      let parsed: unknown;
      let parseError: string | undefined;
      try {
        parsed = raw?.length ? JSON.parse(raw.toString("utf8")) : undefined;
      } catch (error) {
        parseError = (error as Error).message;
      }
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) bodyKeys = Object.keys(parsed);
      const body = () => {
        if (raw === undefined) throw new HttpError(413, "The body is too large.");
        if (parseError !== undefined) throw new HttpError(400, `The body is not valid JSON: ${parseError}`);
        return parsed;
      };
      try {
        answer = route(method, path, req, body);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        answer = { status: error.status, message: error.message, ...(error.errors ? { errors: error.errors } : {}) };
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

  function route(method: string, path: string, req: IncomingMessage, body: () => unknown): Answer {
    if (path === COLLECTION_PATH) {
      if (method === "GET") return list(req);
      if (method === "POST") return create(req, body);
      throw new HttpError(405, `method ${method} is not allowed here`);
    }
    const match = ITEM_PATH.exec(path);
    if (!match) {
      const hint = path.endsWith("/") ? "" : " (paths end with a slash)";
      throw new HttpError(404, `no such path: ${path}${hint}`);
    }
    if (!["GET", "PATCH", "DELETE"].includes(method)) throw new HttpError(405, `method ${method} is not allowed here`);
    const { org } = authorize(req, { orgRequired: true, productRequired: true });
    const id = /^\d+$/.test(match[1]!) ? Number(match[1]) : NaN;
    const found = store.get(id);
    if (!found || found.org_handle !== org) throw new HttpError(404, `provider configuration ${match[1]} not found`);
    if (method === "GET") return { status: 200, message: "Provider configuration fetched", data: present(found) };
    if (method === "DELETE") {
      store.delete(id);
      return { status: 204, message: "Provider configuration deleted" };
    }
    return update(found, body());
  }

  /** 401 for a missing or unknown token, 400 for missing headers, 403 for an organization out of reach. */
  function authorize(
    req: IncomingMessage,
    needs: { orgRequired: boolean; productRequired: boolean },
  ): { org: string | undefined; orgs: string[] } {
    const auth = req.headers.authorization;
    if (!auth) throw new HttpError(401, "Authentication credentials were not provided.");
    const token = /^Token (\S+)$/.exec(auth)?.[1];
    const orgs = token === undefined ? undefined : tokens[token];
    if (!orgs) throw new HttpError(401, "Invalid token.");
    const org = header(req, "org-handle");
    if (needs.orgRequired && !org) throw new HttpError(400, "The Org-Handle header is required.");
    const product = header(req, "product-id");
    if (needs.productRequired && !product) throw new HttpError(400, "The Product-ID header is required.");
    if (product !== undefined && !/^\d+$/.test(product)) throw new HttpError(400, "The Product-ID header must be an integer.");
    if (org !== undefined && !orgs.includes(org)) throw new HttpError(403, `No access to organization ${org}.`);
    return { org, orgs };
  }

  function list(req: IncomingMessage): Answer {
    const { org, orgs } = authorize(req, { orgRequired: false, productRequired: false });
    const visible = org ? [org] : orgs;
    const data = store.all().filter((c) => visible.includes(c.org_handle)).map(present);
    return { status: 200, message: "Provider configurations fetched", data };
  }

  function create(req: IncomingMessage, readBody: () => unknown): Answer {
    const org = authorize(req, { orgRequired: true, productRequired: false }).org!;
    const body = readBody();
    if (!validateCreateRequest(body)) {
      throw new HttpError(400, "Invalid provider configuration.", fieldErrors(validateCreateRequest.errors));
    }
    if (!PROVIDER_CATALOGUE.has(body.provider)) {
      throw new HttpError(400, "Invalid provider configuration.", { provider: [`unknown provider id ${body.provider}`] });
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

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
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
  res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
}
