import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { authenticate, unauthenticated } from "./auth.js";
import { AFTER_FAULTS, GATEWAY_PAGE, type Faults } from "./faults.js";
import { HANDLERS, type HandlerContext } from "./handlers.js";
import { organization } from "./organization-headers.js";
import { HttpError, sendReply, type Reply } from "./reply.js";
import { readRequestBody, unreadBody, type RequestBody } from "./request-body.js";
import type { RequestLogEntry } from "./request-log.js";
import { route } from "./router.js";

export interface PipelineParts {
  /** token → organizations it may access. */
  tokens: ReadonlyMap<string, string[]>;
  faults: Faults;
  /** 0 when a request may come (and it is counted), else the seconds to wait. */
  tooSoon: () => number;
  log: (entry: RequestLogEntry) => void;
  context: HandlerContext;
}

/**
 * A request's way through the server: authentication (before the body is read), latency and faults,
 * the rate limit, then the router, the organization headers and the operation's handler; logged
 * before its answer leaves, or instead of it when a fault loses the answer.
 */
export function requestPipeline({ tokens, faults, tooSoon, log, context }: PipelineParts) {
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

  return handle;
}
