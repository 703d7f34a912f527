import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./reply.js";

/**
 * The organizations the request's token may access; undefined for a missing or unknown token.
 * `tokens` is a Map, not an object: no token can be "constructor" or "__proto__".
 */
export function authenticate(req: IncomingMessage, tokens: ReadonlyMap<string, string[]>): string[] | undefined {
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

export function unauthenticated(req: IncomingMessage): HttpError {
  return new HttpError(
    401,
    req.headers.authorization ? "Invalid token." : "Authentication credentials were not provided.",
  );
}
