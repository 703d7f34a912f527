import type { Reply } from "./reply.js";

/**
 * Faults before the request is carried out (429, 500, 503, drop: close the connection unanswered)
 * and after it (lost: carry it out, then close unanswered; gateway: carry it out, then answer 502 with
 * an HTML page, as a proxy does). The latter are the unknown outcomes a client must find out about.
 */
export const FAULT_KINDS = ["429", "500", "503", "drop", "lost", "gateway"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const AFTER_FAULTS: ReadonlySet<FaultKind> = new Set(["lost", "gateway"]);

/** What a proxy in front of the API answers when the API does not: not the API's envelope. */
export const GATEWAY_PAGE =
  "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";

export interface FaultOptions {
  /** Added before every answer. */
  latencyMs?: number;
  /** Fraction of requests answered with each fault, e.g. { "503": 0.1 }. */
  rates?: Partial<Record<FaultKind, number>>;
  /** Sent with injected 429 answers. */
  retryAfterSeconds?: number;
}

/** Fault injection for tests: off unless configured. Scripted faults come first, then random ones. */
export class Faults {
  latencyMs: number;
  rates: Partial<Record<FaultKind, number>>;
  retryAfterSeconds: number;
  readonly #script: Array<{ kind: FaultKind; method: string | undefined }> = [];

  constructor(
    options: FaultOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.latencyMs = options.latencyMs ?? 0;
    this.rates = options.rates ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }

  /** The next `times` requests (of `method`, if given) meet `kind`. */
  inject(kind: FaultKind, times = 1, method?: string): void {
    for (let i = 0; i < times; i++) this.#script.push({ kind, method });
  }

  /** The API's answer to a request met by a fault before it is carried out (429, 500, 503). */
  replyFor(kind: FaultKind): Reply {
    return {
      status: Number(kind),
      message: `injected fault ${kind}`,
      ...(kind === "429" ? { headers: { "retry-after": String(this.retryAfterSeconds) } } : {}),
    };
  }

  pick(method: string): FaultKind | undefined {
    const i = this.#script.findIndex((f) => f.method === undefined || f.method === method);
    if (i >= 0) return this.#script.splice(i, 1)[0]!.kind;
    let roll = this.random();
    for (const kind of FAULT_KINDS) {
      const rate = this.rates[kind] ?? 0;
      if (roll < rate) return kind;
      roll -= rate;
    }
    return undefined;
  }
}
