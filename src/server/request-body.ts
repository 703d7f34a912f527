import type { IncomingMessage } from "node:http";
import { HttpError } from "./reply.js";

const MAX_BODY = 1 << 20;

/** A request's body, read whole; judged only when the operation asks for it (a 401 comes before a 400). */
export interface RequestBody {
  /** Top-level keys of a JSON object body, for the request log; never its values. */
  keys: string[] | undefined;
  /** The parsed JSON, or an HttpError (413 too large, 400 not JSON). */
  json(): unknown;
}

export async function readRequestBody(req: IncomingMessage): Promise<RequestBody> {
  const raw = await readRaw(req);
  if (raw === undefined) return { keys: undefined, json: () => failWith(new HttpError(413, "The body is too large.")) };
  const text = raw.toString("utf8");
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Where, never what: the body may hold a secret, and V8's message quotes it.
    const position = jsonErrorPosition(text);
    const error = new HttpError(
      400,
      position === undefined
        ? "The body is not valid JSON: it ends too early."
        : `The body is not valid JSON (at position ${position}).`,
    );
    return { keys: undefined, json: () => failWith(error) };
  }
  const keys = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? Object.keys(parsed) : undefined;
  return { keys, json: () => parsed };
}

/** The body of a request that is not let in: never read, only drained. */
export function unreadBody(req: IncomingMessage): RequestBody {
  req.resume();
  return { keys: undefined, json: () => undefined };
}

function failWith(error: HttpError): never {
  throw error;
}

/** The whole body, or undefined when it is larger than the server takes. */
async function readRaw(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY ? undefined : Buffer.concat(chunks);
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
