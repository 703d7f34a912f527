import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { authenticate, unauthenticated } from "./auth.js";
import { AFTER_FAULTS, Faults, GATEWAY_PAGE, type FaultOptions } from "./faults.js";
import { HANDLERS, type HandlerContext } from "./handlers.js";
import { DOCUMENTED_OPERATIONS } from "./openapi.js";
import { organization } from "./organization-headers.js";
import { rateLimiter, type RateLimit } from "./rate-limit.js";
import { HttpError, sendReply, type Reply } from "./reply.js";
import { readRequestBody, unreadBody, type RequestBody } from "./request-body.js";
import { requestLog, type RequestLogEntry } from "./request-log.js";
import { route } from "./router.js";
import { MemoryStore, type Store } from "./store.js";

export type { RequestLogEntry } from "./request-log.js";

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
  rateLimit?: RateLimit;
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

const undocumented = DOCUMENTED_OPERATIONS.filter((o) => !(o.operationId in HANDLERS));
if (undocumented.length > 0)
  throw new Error(`api/openapi.yaml has operations no handler serves: ${undocumented.map((o) => o.operationId)}`);

/**
 * The Provider Configurations API, as api/openapi.yaml fixes it, on node:http. A request goes through
 * authentication, faults and the rate limit, then the router, the organization headers and the handler.
 */
export async function startApiServer(options: ServerOptions = {}): Promise<RunningServer> {
  // A Map, not an object: no token can be "constructor" or "__proto__".
  const tokens = new Map(Object.entries(options.tokens ?? DEFAULT_TOKENS));
  const context: HandlerContext = {
    store: options.store ?? new MemoryStore(),
    createStatus: options.createStatus ?? 201,
  };
  const faults = new Faults(options.faults);
  const tooSoon = rateLimiter(options.rateLimit);
  const { entries: requests, log } = requestLog(options.onRequest);
  let connections = 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug here must not take the server down; the client sees a 500 envelope, and the log has it.
      log({ method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, status: 500 });
      if (!res.headersSent) sendReply(res, { status: 500, message: `internal error: ${(error as Error).message}` });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => connections++);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0]!;
    // Authenticated before the body is read: an unknown caller's body is never parsed.
    const orgs = authenticate(req, tokens);
    const body = orgs ? await readRequestBody(req) : unreadBody(req);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);

    const fault = faults.pick(method);
    if (fault === "drop") {
      log({ method, path, status: 0 });
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    let bodyKeys: string[] | undefined;
    const wait = tooSoon();
    if (wait > 0) {
      reply = {
        status: 429,
        message: "Too many requests: rate limit exceeded.",
        headers: { "retry-after": String(wait) },
      };
    } else if (fault && !AFTER_FAULTS.has(fault)) {
      reply = faults.replyFor(fault);
    } else {
      bodyKeys = body.keys;
      reply = carryOut(method, path, req, orgs, body);
    }
    // Logged before the answer leaves, so that whoever got the answer finds it in the log. After a
    // fault that loses the answer, the log says what was done and how the answer was lost.
    const done = { method, path, status: reply.status, ...(bodyKeys ? { bodyKeys } : {}) };
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
    sendReply(res, reply);
  }

  /** The operation's reply, or the error envelope of the first check it fails. */
  function carryOut(
    method: string,
    path: string,
    req: IncomingMessage,
    orgs: string[] | undefined,
    body: RequestBody,
  ): Reply {
    try {
      if (!orgs) throw unauthenticated(req);
      const { operation, params } = route(method, path);
      const org = organization(req, orgs, operation.requires);
      return HANDLERS[operation.operationId]({ operation, params, org, orgs, body: body.json }, context);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return error.toReply();
    }
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
    store: context.store,
    requests,
    connections: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      context.store.close();
    },
  };
}
