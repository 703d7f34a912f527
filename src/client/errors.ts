import { redact } from "./redact.js";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

interface RequestInfo {
  method: string;
  path: string;
  attempts: number;
  /** The whole URL (no query, no credentials): every message says where the request went. */
  url?: string | undefined;
  /** What the user should do about it, said last: the setting to fix, never its value. */
  hint?: string | undefined;
}

export interface ApiErrorDetails extends RequestInfo {
  status: number;
  serverMessage?: string | undefined;
  fieldErrors?: Record<string, string[]> | undefined;
  requestId?: string | undefined;
  /** Set when the body was not the JSON envelope the contract promises. */
  bodyExcerpt?: string | undefined;
  /**
   * The answer did not come from the API: an error status whose body is not the API's envelope (an
   * HTML page from a proxy, a bare 404 from a wrong base URL). Such an answer says nothing about the
   * configuration: a foreign 404 is not "deleted".
   */
  foreign?: boolean | undefined;
  /** What this client made of the answer, said after the API's own message. */
  note?: string | undefined;
}

/** The API answered, with an error status or with a body that breaks the contract. */
export class TelephonyApiError extends Error {
  override readonly name = "TelephonyApiError";
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly url: string | undefined;
  readonly serverMessage: string | undefined;
  readonly fieldErrors: Record<string, string[]>;
  readonly requestId: string | undefined;
  readonly bodyExcerpt: string | undefined;
  readonly attempts: number;
  readonly foreign: boolean;
  /**
   * True for a create whose outcome is unknown: a 5xx, a foreign answer, or a 2xx that broke the
   * contract may all come after the configuration was stored.
   */
  readonly mayHaveSucceeded: boolean;

  constructor(details: ApiErrorDetails, secrets: Iterable<string | null | undefined>) {
    const secretList = [...secrets];
    const clean = (s: string | undefined) => (s === undefined ? undefined : redact(s, secretList));
    const fieldErrors: Record<string, string[]> = {};
    for (const [field, reasons] of Object.entries(details.fieldErrors ?? {})) {
      fieldErrors[redact(field, secretList)] = reasons.map((r) => redact(String(r), secretList));
    }
    const serverMessage = clean(details.serverMessage);
    const bodyExcerpt = clean(details.bodyExcerpt);
    const foreign = details.foreign ?? false;
    const mayHaveSucceeded = details.method === "POST" && (details.status >= 500 || details.status < 300 || foreign);

    const url = clean(details.url);
    const parts = [
      `${details.method} ${url ?? details.path}: ${details.status} ${STATUS_TEXT[details.status] ?? ""}`.trim(),
    ];
    if (foreign) {
      parts.push(
        "this answer is not from the Provider Configurations API (not its JSON envelope): the base URL or a proxy in between is probably wrong",
      );
    }
    if (serverMessage) parts.push(serverMessage);
    const fields = Object.entries(fieldErrors).map(([f, r]) => `${f}: ${r.join(", ")}`);
    if (fields.length) parts.push(`(${fields.join("; ")})`);
    if (bodyExcerpt !== undefined) parts.push(`body: ${JSON.stringify(bodyExcerpt)}`);
    if (details.note) parts.push(details.note);
    if (details.requestId) parts.push(`[request id ${details.requestId}]`);
    if (details.attempts > 1) parts.push(`after ${details.attempts} attempts`);
    if (details.hint) parts.push(clean(details.hint)!);
    super(parts.join(" — "));

    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.url = url;
    this.serverMessage = serverMessage;
    this.fieldErrors = fieldErrors;
    this.requestId = details.requestId;
    this.bodyExcerpt = bodyExcerpt;
    this.attempts = details.attempts;
    this.foreign = foreign;
    this.mayHaveSucceeded = mayHaveSucceeded;
  }
}

/** No answer: the connection failed, was reset, or the deadline passed. */
export class TelephonyNetworkError extends Error {
  override readonly name = "TelephonyNetworkError";
  readonly method: string;
  readonly path: string;
  readonly url: string | undefined;
  /** The failure's error code (`ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`), when it had one. */
  readonly code: string | undefined;
  readonly attempts: number;
  readonly timedOut: boolean;
  /** False when the failure proves the request never left (connection refused, name not resolved). */
  readonly sent: boolean;
  /** True for a create that may have taken effect although no answer came back. */
  readonly mayHaveSucceeded: boolean;

  constructor(
    info: RequestInfo & { timedOut: boolean; sent: boolean; reason: string; code?: string | undefined },
    secrets: Iterable<string | null | undefined>,
  ) {
    const secretList = [...secrets];
    const url = info.url === undefined ? undefined : redact(info.url, secretList);
    const mayHaveSucceeded = info.method === "POST" && info.sent;
    let message = `${info.method} ${url ?? info.path}: ${info.timedOut ? "timed out" : "no answer"} (${redact(info.reason, secretList)})`;
    if (info.attempts > 1) message += ` after ${info.attempts} attempts`;
    if (mayHaveSucceeded) {
      message += "; the configuration may have been created anyway: list the configurations before creating it again";
    }
    if (info.hint) message += ` — ${redact(info.hint, secretList)}`;
    super(message);
    this.method = info.method;
    this.path = info.path;
    this.url = url;
    this.code = info.code;
    this.attempts = info.attempts;
    this.timedOut = info.timedOut;
    this.sent = info.sent;
    this.mayHaveSucceeded = mayHaveSucceeded;
  }
}

export type TelephonyError = TelephonyApiError | TelephonyNetworkError;

const hasStatus = (error: unknown, status: number): boolean =>
  error instanceof TelephonyApiError && error.status === status && !error.foreign;

/** The API itself said there is no such configuration: a foreign 404 (proxy, wrong base URL) is not this. */
export const isNotFound = (error: unknown): boolean => hasStatus(error, 404);
export const isUnauthorized = (error: unknown): boolean => hasStatus(error, 401);
export const isForbidden = (error: unknown): boolean => hasStatus(error, 403);
export const isBadRequest = (error: unknown): boolean => hasStatus(error, 400);
export const isRateLimited = (error: unknown): boolean => error instanceof TelephonyApiError && error.status === 429;
/** A create that may have stored the configuration although it failed: list before creating again. */
export const isOutcomeUnknown = (error: unknown): boolean =>
  (error instanceof TelephonyApiError || error instanceof TelephonyNetworkError) && error.mayHaveSucceeded;
