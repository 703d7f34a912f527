import type { IncomingHttpHeaders } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent } from "undici";
import { REQUIRED_HEADERS, type Envelope, type Operation } from "./contract.js";
import { TelephonyApiError, TelephonyNetworkError } from "./errors.js";
import { isLasting, mayBeTls, networkHint, statusHint, type Destination, type SettingNames } from "./hints.js";
import { speaksTls } from "./tls-probe.js";
import { maskBody } from "./redact.js";
import { MAX_PAUSE_MS, RateLimiter } from "./rate-limiter.js";
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay, type AttemptOutcome, type RetryPolicy } from "./retry.js";
import { packageName, packageVersion } from "./version.js";

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 or https://unpod.dev */
  baseUrl: string;
  token: string;
  orgHandle?: string | undefined;
  productId?: number | undefined;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Over all attempts of one call, waits included. Default 30 s. */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Keep-alive connections per origin. Default 8. */
  connections?: number;
  /**
   * Requests per second never to exceed, for an API that publishes its limit. Unset, the pace is found
   * out from the API's 429s. Either way one pace is shared by every request this process sends to the
   * same API.
   */
  maxRequestsPerSecond?: number | undefined;
  /** Called once per process and API, when a 429 first makes every request wait. */
  onRateLimited?: (() => void) | undefined;
  /**
   * How errors name the base URL, token and org handle, and where each came from (never a value):
   * `telephony:apiToken in the config of stack dev`. Said in the hint after a 401, a 403, a wrong
   * base path or https to a plain-HTTP server.
   */
  settingNames?: SettingNames | undefined;
}

interface Request {
  operation: Operation;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  body?: object;
  /** Values to mask in errors, besides the token. */
  secrets?: Array<string | null | undefined>;
  /** The organization this call acts in, when not the client's own. */
  orgHandle?: string | undefined;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** One pace per API in this process, whichever client sends: every resource of a Pulumi operation shares it. */
const limiters = new Map<string, RateLimiter>();
const limiterFor = (origin: string, ceiling: number | undefined): RateLimiter => {
  const limiter = limiters.get(origin) ?? new RateLimiter();
  limiters.set(origin, limiter);
  limiter.cap(ceiling);
  return limiter;
};
const told = new WeakSet<RateLimiter>();
// How often a request waiting for its slot looks whether the pace changed.
const RECHECK_MS = 250;
// Off only for bench:rate's comparison: each request on its own, waiting its Retry-After within its
// attempts and deadline, as this client did before the shared pace.
const SHARED_PACE = process.env.TELEPHONY_RATE_LIMITER !== "off";

// The pace runs on a clock that a change of the system's time does not move.
const clock = (): number => performance.now();

const EXCERPT_LENGTH = 160;
const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat;
};

/**
 * The one place every request goes out: base URL, headers, User-Agent, JSON, timeouts, retries and
 * error parsing.
 *
 * Requests go through `Agent.request`, undici's own API, on one keep-alive pool reused across calls:
 * it is about four times faster than the global `fetch` on loopback (bench:client). nock 15 sees this
 * call path too (its first fault test fails when the interception is not in place).
 */
export class Transport {
  readonly #options: Required<Pick<ClientOptions, "timeoutMs" | "deadlineMs">> & ClientOptions;
  readonly #policy: RetryPolicy;
  readonly #agent: Agent;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #headers: Record<string, string>;
  readonly #limiter: RateLimiter;
  readonly #destination: Destination;

  constructor(options: ClientOptions) {
    if (!options.token) throw new Error("an API token is required");
    const url = new URL(options.baseUrl);
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, "");
    // An option passed as undefined keeps its default.
    this.#options = { ...options, timeoutMs: options.timeoutMs ?? 10_000, deadlineMs: options.deadlineMs ?? 30_000 };
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...defined(options.retry ?? {}) };
    this.#agent = new Agent({ connections: options.connections ?? 8, keepAliveTimeout: 30_000 });
    this.#limiter = limiterFor(this.#origin, options.maxRequestsPerSecond);
    this.#headers = {
      authorization: `Token ${options.token}`,
      accept: "application/json",
      "user-agent": `${packageName}/${packageVersion} node/${process.versions.node}`,
    };
    if (options.orgHandle) this.#headers["org-handle"] = options.orgHandle;
    if (options.productId !== undefined) this.#headers["product-id"] = String(options.productId);
    this.#destination = {
      origin: this.#origin,
      basePath: this.#basePath,
      orgHandle: options.orgHandle,
      names: options.settingNames ?? {},
    };
  }

  /** Where a request to `path` goes: no query, no credentials (a URL's origin has none). */
  urlOf(path: string): string {
    return this.#origin + this.#basePath + path;
  }

  /** Sends one call, with retries, and returns the envelope's `data` (undefined for an empty 204). */
  async send<T>(request: Request): Promise<T> {
    this.#checkHeaders(request);
    const secrets = [this.#options.token, ...(request.secrets ?? [])];
    const headers = { ...this.#headers };
    if (request.orgHandle) headers["org-handle"] = request.orgHandle;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(request.body);
    }
    // The deadline covers the work: time spent waiting for the pace or for Retry-After moves it.
    let deadline = clock() + this.#options.deadlineMs;
    const timeout = Math.min(this.#options.timeoutMs, this.#options.deadlineMs);
    let throttledSince: number | undefined;

    const info = (attempts: number) => ({
      method: request.method,
      path: request.path,
      attempts,
      url: this.urlOf(request.path),
    });
    const orgHandle = request.orgHandle ?? this.#options.orgHandle;
    // The collection's path is always there: a 404 for it says the base URL is wrong, one for an item may be the API's "no such configuration".
    const collection = request.operation === "list" || request.operation === "create";
    const hint = (status: number, foreign: boolean) =>
      statusHint(this.#destination, { status, foreign, orgHandle, collection });
    let note: string | undefined;

    for (let attempt = 1; ;) {
      if (SHARED_PACE) {
        const waited = await this.#awaitSlot();
        // Not sent: the API asked everyone to wait longer than this client waits.
        if (waited === "refused")
          throw new TelephonyApiError(
            { ...info(attempt - 1), status: 429, note: this.#tooLong(this.#limiter.refusing(clock())) },
            secrets,
          );
        deadline += waited;
      }
      const { answer, failure } = await this.#exchange(request, headers, body, timeout);
      const now = clock();
      if (answer?.status === 429) {
        const retryAfter = parseRetryAfter(headerValue(answer.headers, "retry-after"), new Date());
        if (SHARED_PACE) {
          this.#limiter.throttled(now, retryAfter);
          if (!told.has(this.#limiter)) {
            told.add(this.#limiter);
            this.#options.onRateLimited?.();
          }
          throttledSince ??= now;
          // A 429 says the request was not processed: repeating it is safe, POST included, and uses no
          // attempt. But an API that answers nothing else for the limiter's MAX_PAUSE_MS, or asks to wait
          // longer, is not going to: past that budget a call fails rather than wait on.
          if (now + (retryAfter ?? 0) - throttledSince < MAX_PAUSE_MS) continue;
          const refusing = this.#limiter.refusing(now);
          note =
            refusing > 0 ? this.#tooLong(refusing) : `rate limited for ${Math.round(MAX_PAUSE_MS / 60_000)} minutes`;
        } else if (attempt < this.#policy.maxAttempts && now + (retryAfter ?? 0) + timeout <= deadline) {
          await sleep(retryAfter ?? 0);
          attempt++;
          continue;
        }
      } else if (answer) {
        this.#limiter.accepted(now);
        throttledSince = undefined;
      }

      const outcome: AttemptOutcome = answer
        ? { status: answer.status }
        : { networkError: true, sent: failure!.sent, lasting: isLasting(failure!.code) };
      const delay =
        answer && answer.status < 400 ? undefined : retryDelay(this.#policy, request.method, outcome, attempt);
      // An attempt is started only with its whole timeout left before the deadline: one cut short
      // could be carried out by the API and still be reported as failed.
      if (delay !== undefined && clock() + delay + timeout <= deadline) {
        await sleep(delay);
        attempt++;
        continue;
      }

      if (!answer) {
        const tls = mayBeTls(this.#destination, failure!.code) && (await this.#speaksTls());
        throw new TelephonyNetworkError(
          { ...info(attempt), ...failure!, hint: networkHint(this.#destination, failure!.code, tls) },
          secrets,
        );
      }
      return interpret<T>(answer, { ...info(attempt), note, hint }, secrets);
    }
  }

  /** One HTTP exchange: the API's answer, or how the request failed to get one. */
  async #exchange(
    request: Request,
    headers: Record<string, string>,
    body: string | undefined,
    timeout: number,
  ): Promise<{ answer?: Answer; failure?: Failure }> {
    try {
      const response = await this.#agent.request({
        origin: this.#origin,
        path: this.#basePath + request.path,
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(timeout),
      });
      return { answer: { status: response.statusCode, headers: response.headers, text: await response.body.text() } };
    } catch (error) {
      return { failure: describeFailure(error) };
    }
  }

  #speaksTls(): Promise<boolean> {
    const url = new URL(this.#origin);
    return speaksTls(url.hostname.replace(/^\[(.*)\]$/, "$1"), Number(url.port || 80));
  }

  #tooLong(waitMs: number): string {
    return `the API asks to wait ${Math.ceil(waitMs / 1000)} s more (Retry-After), longer than this client waits (${MAX_PAUSE_MS / 1000} s): try again later`;
  }

  /**
   * Waits for this request's slot in the shared pace, reserving again when the pace changed meanwhile;
   * resolves to the time waited, or to "refused" when the API asked everyone to wait longer than this
   * client waits.
   */
  async #awaitSlot(): Promise<number | "refused"> {
    const limiter = this.#limiter;
    const started = clock();
    for (;;) {
      if (limiter.refusing(clock()) > 0) return "refused";
      let wait = limiter.reserve(clock());
      const epoch = limiter.epoch;
      while (wait > 0 && limiter.epoch === epoch) {
        const nap = Math.min(wait, RECHECK_MS);
        await sleep(nap);
        wait -= nap;
        limiter.tick(clock());
      }
      if (limiter.epoch === epoch) return clock() - started;
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  #checkHeaders({ operation, orgHandle }: Request): void {
    const needs = REQUIRED_HEADERS[operation];
    if (needs.orgHandle && !(orgHandle ?? this.#options.orgHandle)) {
      throw new Error(`${operation} needs an organization handle (Org-Handle); none is configured`);
    }
    if (needs.productId && this.#options.productId === undefined) {
      throw new Error(`${operation} needs a product id (Product-ID); none is configured`);
    }
  }
}

const defined = <T extends object>(options: T): Partial<T> =>
  Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;

interface Failure {
  timedOut: boolean;
  /** False when the request provably never reached the server. */
  sent: boolean;
  reason: string;
  code?: string | undefined;
}

// Failures to open a connection at all: the request was never sent, so nothing can have happened.
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function describeFailure(error: unknown): Failure {
  const e = error as Error & { code?: string; cause?: Error & { code?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError")
    return { timedOut: true, sent: true, reason: "no answer in time" };
  const source = e?.cause ?? e;
  const code = source?.code;
  // A TLS handshake that failed sent no request, and OpenSSL's text (its source file and line) says
  // nothing the code does not.
  if (isLasting(code)) return { timedOut: false, sent: false, reason: code!, code };
  const text = (source?.message ?? String(e)).replace(/\s+/g, " ").trim();
  const reason = [code, text].filter(Boolean).join(": ");
  return { timedOut: false, sent: !(code && NOT_SENT.has(code)), reason, code };
}

interface AnswerInfo {
  method: string;
  path: string;
  attempts: number;
  url: string;
  note?: string | undefined;
  /** What to tell the user for an error status. */
  hint: (status: number, foreign: boolean) => string | undefined;
}

/** The contract's envelope: every JSON answer of the API is one; a proxy's page or bare JSON is not. */
function asEnvelope(text: string): Partial<Envelope<unknown>> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
    const candidate = parsed as Partial<Envelope<unknown>>;
    return typeof candidate.status_code === "number" && typeof candidate.message === "string" ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function interpret<T>(answer: Answer, info: AnswerInfo, secrets: Array<string | null | undefined>): T {
  const requestId = headerValue(answer.headers, "x-request-id");
  const { hint, ...request } = info;
  const fail = (extra: {
    serverMessage?: string;
    fieldErrors?: Record<string, string[]>;
    bodyExcerpt?: string;
    foreign?: boolean;
  }) =>
    new TelephonyApiError(
      {
        ...request,
        status: answer.status,
        requestId,
        ...extra,
        hint: hint(answer.status, extra.foreign ?? false),
      },
      secrets,
    );

  if (answer.status === 204 && answer.text.trim() === "") return undefined as T;

  const envelope = asEnvelope(answer.text);
  if (answer.status >= 400) {
    if (!envelope) return throwIt(fail({ bodyExcerpt: excerpt(maskBody(answer.text, secrets)), foreign: true }));
    return throwIt(
      fail({
        serverMessage: typeof envelope.message === "string" ? maskBody(envelope.message, secrets) : undefined,
        fieldErrors: isFieldErrors(envelope.errors) ? envelope.errors : undefined,
      }),
    );
  }
  if (!envelope || !("data" in envelope)) {
    return throwIt(
      // Never quoted: a successful answer may be a list of live configurations, secrets and all.
      fail({
        serverMessage: `the answer is not the JSON envelope the API promises (${answer.text.length} bytes, not shown)`,
        foreign: true,
      }),
    );
  }
  return envelope.data as T;
}

const throwIt = (error: Error): never => {
  throw error;
};

function isFieldErrors(value: unknown): value is Record<string, string[]> {
  return (
    !!value &&
    typeof value === "object" &&
    Object.values(value).every((reasons) => Array.isArray(reasons) && reasons.every((r) => typeof r === "string"))
  );
}
