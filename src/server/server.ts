import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Faults, type FaultOptions } from "./faults.js";
import { HANDLERS, type HandlerContext } from "./handlers.js";
import { documentedOperations } from "./openapi.js";
import { requestPipeline } from "./pipeline.js";
import { rateLimiter, type RateLimit } from "./rate-limit.js";
import { sendReply } from "./reply.js";
import { requestLog, type RequestLogEntry } from "./request-log.js";
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

/**
 * The Provider Configurations API, as api/openapi.yaml fixes it, on node:http. A request goes through
 * authentication, faults and the rate limit, then the router, the organization headers and the handler.
 */
export async function startApiServer(options: ServerOptions = {}): Promise<RunningServer> {
  const unserved = documentedOperations().filter((o) => !(o.operationId in HANDLERS));
  if (unserved.length > 0)
    throw new Error(`api/openapi.yaml has operations no handler serves: ${unserved.map((o) => o.operationId)}`);
  // A Map, not an object: no token can be "constructor" or "__proto__".
  const tokens = new Map(Object.entries(options.tokens ?? DEFAULT_TOKENS));
  const context: HandlerContext = {
    store: options.store ?? new MemoryStore(),
    createStatus: options.createStatus ?? 201,
  };
  const faults = new Faults(options.faults);
  const { entries: requests, log } = requestLog(options.onRequest);
  let connections = 0;

  const handle = requestPipeline({ tokens, faults, tooSoon: rateLimiter(options.rateLimit), log, context });
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug here must not take the server down; the client sees a 500 envelope, and the log has it.
      log({ method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, status: 500 });
      if (!res.headersSent) sendReply(res, { status: 500, message: `internal error: ${(error as Error).message}` });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => connections++);

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
