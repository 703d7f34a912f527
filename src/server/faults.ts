export const FAULT_KINDS = ["429", "500", "503", "drop"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

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

  constructor(options: FaultOptions = {}, private readonly random: () => number = Math.random) {
    this.latencyMs = options.latencyMs ?? 0;
    this.rates = options.rates ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }

  /** The next `times` requests (of `method`, if given) meet `kind`. */
  inject(kind: FaultKind, times = 1, method?: string): void {
    for (let i = 0; i < times; i++) this.#script.push({ kind, method });
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
