// Which live configuration each declaration stands for. Deterministic, and never gives one live id to
// two declarations: state ids first (under the key, or a former key: an alias), then import ids, then —
// without a stack only — exact names among the configurations not matched already, same provider first.
// With a stack, a declaration that is not in it is missing, since `up` would create (or, with an import,
// adopt) it. A configuration whose ownership mark names another stack (any stack, when none is known) is
// that stack's: never matched. An import or a name matches only what `up` would adopt: no mark, or this
// very resource's. Pure.
import type { Configuration } from "../client/contract.js";
import type { Declaration } from "../declarations/declaration.js";
import { describeOwner, markOf, markValueOf, type Mark } from "../model/index.js";
import type { DeclaredValues } from "../model/index.js";
import type { ConfigurationDrift } from "./report.js";
import type { StateSecret } from "./stack.js";

/** The stack, when one is known: its id as an ownership mark names it (`project/stack`), and its state. */
export interface KnownStack {
  id: string;
  stateIds: ReadonlyMap<string, number>;
  /** The kind of resource its declarations become (`telephony:plugin`): the native one's marks say so. */
  host?: "native";
  /** The resources its program declares in code, with what the last update declared (stack.ts). */
  declaredInCode?: ReadonlyMap<string, DeclaredValues<StateSecret>>;
}

export interface Match {
  live: Configuration | undefined;
  matchedBy: ConfigurationDrift["matchedBy"];
  hint?: string;
  /** Live, but not in the stack yet: `up` would adopt it, so it counts as missing. */
  toAdopt?: true;
}

// How a configuration this stack's create marked ends up outside its state.
export const INTERRUPTED = "an interrupted or failed `pulumi up`";

export class Matching {
  readonly byId: Map<number, Configuration>;
  readonly inState: Set<number>;
  /** The state keys holding each id. */
  readonly stateKeysOf = new Map<number, string[]>();
  readonly marks = new Map<number, Mark>();
  /** Each declaration's match, by key. */
  readonly matches = new Map<string, Match>();
  /** Which declaration holds each matched id. */
  readonly matchedTo = new Map<number, string>();
  /** The first declaration importing each id. */
  readonly importedBy = new Map<number, string>();
  /** State keys that a declaration holds, under its key or a former one. */
  readonly stateKeysUsed = new Set<string>();
  /** The stack's resources declared in code and not in these files, by key: the live configuration each holds (none when gone). */
  readonly inCode = new Map<string, Configuration | undefined>();
  readonly #namedKeys: Set<string>;

  constructor(
    readonly declarations: Declaration[],
    readonly live: Configuration[],
    readonly stack: KnownStack | undefined,
    readonly ignore: ReadonlySet<string>,
  ) {
    this.byId = new Map(live.map((c) => [c.id, c]));
    this.inState = new Set(stack?.stateIds.values() ?? []);
    for (const [key, id] of stack?.stateIds ?? []) this.stateKeysOf.set(id, [...(this.stateKeysOf.get(id) ?? []), key]);
    for (const c of live) {
      const mark = markOf(c.meta_json);
      if (mark) this.marks.set(c.id, mark);
    }
    this.#namedKeys = new Set([
      ...declarations.flatMap((d) => [d.key, ...d.formerKeys]),
      ...(stack?.declaredInCode?.keys() ?? []),
    ]);
    this.#byState();
    this.#byCode();
    this.#byImport();
    this.#byInterruptedCreate();
    this.#byName();
    this.#noMatch();
  }

  /** The mark of a configuration another stack (any, when none is known) created. */
  elsewhere(c: Configuration): Mark | undefined {
    const mark = this.marks.get(c.id);
    return mark && mark.stack !== this.stack?.id ? mark : undefined;
  }

  /** Neither matched nor in the stack's state. */
  unmatched(c: Configuration): boolean {
    return !this.matchedTo.has(c.id) && !this.inState.has(c.id);
  }

  /** Unmatched, and no other stack's. */
  free(c: Configuration): boolean {
    return this.unmatched(c) && !this.elsewhere(c);
  }

  #match(d: Declaration, c: Configuration, match: Omit<Match, "live">): void {
    this.matchedTo.set(c.id, d.key);
    this.matches.set(d.key, { live: c, ...match });
  }

  #missing(d: Declaration, hint?: string): void {
    this.matches.set(d.key, { live: undefined, matchedBy: null, ...(hint ? { hint } : {}) });
  }

  #byState(): void {
    const stateIds = this.stack?.stateIds;
    for (const d of this.declarations) {
      const key = [d.key, ...d.formerKeys].find((k) => stateIds?.has(k));
      if (key === undefined) continue;
      this.stateKeysUsed.add(key);
      const id = stateIds!.get(key)!;
      const c = this.byId.get(id);
      const holder = this.matchedTo.get(id);
      if (c && !holder) this.#match(d, c, { matchedBy: "state" });
      else
        this.#missing(
          d,
          c
            ? `configuration ${id} of the stack is also held by ${holder}`
            : `configuration ${id} of the stack no longer exists: \`pulumi up\` creates it again`,
        );
    }
  }

  /**
   * The resources the stack's code declares hold their ids as declarations do: after the files' own
   * (a key in the files is the files'), unless left out by key.
   */
  #byCode(): void {
    for (const key of this.stack?.declaredInCode?.keys() ?? []) {
      if (this.stateKeysUsed.has(key) || this.ignore.has(key) || this.declarations.some((d) => d.key === key)) continue;
      const id = this.stack!.stateIds.get(key)!;
      const c = this.byId.get(id);
      this.inCode.set(key, c);
      if (c) this.matchedTo.set(id, key);
    }
  }

  /** The state key holding an id, named; one no declaration matches any more is a key renamed without formerKeys. */
  #stateHolder(id: number): string | undefined {
    const key = this.stateKeysOf.get(id)?.[0];
    if (key === undefined) return undefined;
    return this.#namedKeys.has(key) || this.ignore.has(key)
      ? `resource ${key} of the stack`
      : `resource ${key} of the stack, no longer declared: to rename ${key}, declare \`formerKeys: [${key}]\` instead of \`import\``;
  }

  /** Why `up` would not adopt `c` for `d`: it adopts only what no create marked, or this very resource's create. */
  #markedAgainst(d: Declaration, c: Configuration): string | undefined {
    if (markValueOf(c.meta_json) === undefined) return undefined;
    const mark = this.marks.get(c.id);
    if (!mark) return "carries an ownership mark that is not this project's: `pulumi up` does not adopt it";
    if (this.stack && mark.stack === this.stack.id) {
      if (mark.resource === d.key && mark.host !== this.stack.host) return otherKind(mark);
      return mark.resource === d.key
        ? undefined
        : `was created by resource ${mark.resource} of this stack (its ownership mark), and \`pulumi up\` adopts it for ${mark.resource} only`;
    }
    return `is managed by ${describeOwner(mark)}${this.stack ? "" : " (compare with `drift --stack`)"}`;
  }

  #byImport(): void {
    for (const d of this.declarations) {
      if (d.importId === undefined) continue;
      if (!this.importedBy.has(d.importId)) this.importedBy.set(d.importId, d.key);
      if (this.matches.has(d.key)) continue;
      const c = this.byId.get(d.importId);
      const holder = c && (this.matchedTo.get(c.id) ?? this.#stateHolder(c.id));
      const refused = c && this.#markedAgainst(d, c);
      if (!c) this.#missing(d, `import ${d.importId} does not exist`);
      else if (holder) this.#missing(d, `import ${d.importId} is held by ${holder}`);
      else if (refused) this.#missing(d, `import ${d.importId} ${refused}`);
      else if (this.stack)
        this.#match(d, c, {
          matchedBy: "import",
          toAdopt: true,
          hint: `not in the stack yet: \`pulumi up\` adopts configuration ${c.id}`,
        });
      else this.#match(d, c, { matchedBy: "import" });
    }
  }

  /**
   * This stack's create marked it for this very resource, and the state never heard back. (A free
   * configuration's mark, if any, is this stack's.)
   */
  #byInterruptedCreate(): void {
    for (const d of this.stack ? this.declarations : []) {
      if (this.matches.has(d.key)) continue;
      const made = this.live.find((c) => this.free(c) && this.marks.get(c.id)?.resource === d.key);
      const mark = made && this.marks.get(made.id);
      if (made && mark?.host !== this.stack?.host) this.#missing(d, `configuration ${made.id} ${otherKind(mark!)}`);
      else if (made)
        this.#missing(
          d,
          `configuration ${made.id} was created for it by ${INTERRUPTED}: the next \`up\` takes it over if it is still exactly what the declaration creates`,
        );
    }
  }

  /** Same name and provider first, then the name alone: the order of the declarations does not matter. */
  #byName(): void {
    for (const sameProvider of [true, false]) {
      for (const d of this.declarations) {
        if (this.matches.has(d.key)) continue;
        const sameName = this.live.find(
          (c) =>
            this.free(c) &&
            !this.#markedAgainst(d, c) &&
            c.name === d.name &&
            (!sameProvider || c.provider === d.provider),
        );
        if (!sameName) continue;
        if (this.stack)
          this.#missing(d, `a configuration with this name exists: adopt it with \`import: ${sameName.id}\``);
        else this.#match(d, sameName, { matchedBy: "name" });
      }
    }
  }

  #noMatch(): void {
    for (const d of this.declarations) {
      if (this.matches.has(d.key)) continue;
      const other = this.live.find((c) => this.unmatched(c) && this.elsewhere(c) && c.name === d.name);
      if (!other) this.#missing(d);
      else
        this.#missing(
          d,
          `configuration ${other.id} with this name is managed by ${describeOwner(this.elsewhere(other)!)}${this.stack ? "" : " (compare with `drift --stack`)"}`,
        );
    }
  }
}

/** A mark of this stack and key, written by the other kind of resource (dynamic or native) than the stack's. */
const otherKind = (mark: Mark): string =>
  `was created by the ${mark.host ?? "dynamic"} resource of this key, which \`pulumi up\` neither adopts nor takes over: ` +
  "if the stack is to move between the two, run telephony-config migrate; if it was moved already, that configuration was left behind " +
  "before the move by a create whose answer was lost, and is no resource's: delete it";
