import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

/** What the server answers a request with, before it is written as the API's envelope. */
export interface Reply {
  status: number;
  message: string;
  data?: unknown;
  errors?: Record<string, string[]>;
  headers?: Record<string, string>;
}

/** Thrown anywhere in a request's handling to answer with an error envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string[]>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  toReply(): Reply {
    return {
      status: this.status,
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.headers ? { headers: this.headers } : {}),
    };
  }
}

/** Writes the reply as `{status_code, message, data, errors?}`; a 204 has no body. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  res.setHeader("x-request-id", randomUUID());
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (reply.status === 204) {
    res.writeHead(204).end();
    return;
  }
  const body = JSON.stringify({
    status_code: reply.status,
    message: reply.message,
    data: reply.data ?? {},
    ...(reply.errors ? { errors: reply.errors } : {}),
  });
  res
    .writeHead(reply.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    .end(body);
}
