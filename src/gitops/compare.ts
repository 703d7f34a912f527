import type { ProviderConfiguration } from "../client/contract.js";
import type { Declaration, SecretReference } from "../declarations/declaration.js";
import {
  describeOwner,
  differences,
  markOf,
  markValueOf,
  SECRET_INPUTS,
  toOutputs,
  type ConfigurationInputs,
  type Mark,
} from "../model/index.js";
import type {
  ConfigurationDrift,
  DriftReport,
  FieldChange,
  ManagedElsewhere,
  RemovedConfiguration,
  UnmanagedConfiguration,
} from "./report.js";

export interface CompareOptions {
  /** The stack, when one is known: its id as an ownership mark names it (`project/stack`), and its state. */
  stack?: { id: string; stateIds: ReadonlyMap<string, number> };
  /** A secret's declared value, when it is available here. */
  secretValue: (ref: SecretReference) => string | undefined;
  /** Leave unmanaged configurations out of the report. */
  onlyManaged?: boolean;
  /**
   * Left out of the report, not drift: unmanaged configurations a team keeps on purpose (by id or exact
   * name), and stack resources declared in code rather than in the files (by key).
   */
  ignore?: ReadonlyArray<string>;
}

type Match = {
  live: ProviderConfiguration | undefined;
  matchedBy: ConfigurationDrift["matchedBy"];
  hint?: string;
  /** Live, but not in the stack yet: `up` would adopt it, so it counts as missing. */
  toAdopt?: true;
};

// How a configuration this stack's create marked ends up outside its state.
const INTERRUPTED = "an interrupted or failed `pulumi up`";

/**
 * Desired (declarations) against live (one list of the organization's configurations) and, with a
 * stack, its state. Matching is deterministic and never gives one live id to two declarations: state
 * ids first (under the key, or a former key: an alias), then import ids, then — without a stack only —
 * exact names among the configurations not claimed already, same provider first. With a stack, a
 * declaration that is not in it is missing, since `up` would create (or, with an import, adopt) it.
 * A configuration whose ownership mark names another stack (any stack, when none is known) is that
 * stack's: never matched, listed apart, not drift. An import or a name matches only what `up` would
 * adopt: no mark, or this very resource's. Pure.
 */
export function compare(
  declarations: Declaration[],
  live: ProviderConfiguration[],
  options: CompareOptions,
): DriftReport {
  const byId = new Map(live.map((c) => [c.id, c]));
  const stack = options.stack;
  const stateIds = stack?.stateIds;
  const inState = new Set(stateIds?.values() ?? []);
  const stateKeysOf = new Map<number, string[]>();
  for (const [key, id] of stateIds ?? []) stateKeysOf.set(id, [...(stateKeysOf.get(id) ?? []), key]);
  const marks = new Map<number, Mark>();
  for (const c of live) {
    const mark = markOf(c.meta_json);
    if (mark) marks.set(c.id, mark);
  }
  const elsewhere = (c: ProviderConfiguration): Mark | undefined => {
    const mark = marks.get(c.id);
    return mark && mark.stack !== stack?.id ? mark : undefined;
  };
  const declaredKeys = new Set(declarations.map((d) => d.key));
  const namedKeys = new Set(declarations.flatMap((d) => [d.key, ...d.formerKeys]));
  const ignore = new Set(options.ignore ?? []);

  const claimedBy = new Map<number, string>();
  const matches = new Map<string, Match>();
  const stateKeysUsed = new Set<string>();
  const claim = (d: Declaration, c: ProviderConfiguration, match: Omit<Match, "live">) => {
    claimedBy.set(c.id, d.key);
    matches.set(d.key, { live: c, ...match });
  };
  const missing = (d: Declaration, hint?: string) =>
    matches.set(d.key, { live: undefined, matchedBy: null, ...(hint ? { hint } : {}) });

  for (const d of declarations) {
    const key = [d.key, ...d.formerKeys].find((k) => stateIds?.has(k));
    if (key === undefined) continue;
    stateKeysUsed.add(key);
    const id = stateIds!.get(key)!;
    const c = byId.get(id);
    const holder = claimedBy.get(id);
    if (c && !holder) claim(d, c, { matchedBy: "state" });
    else
      missing(
        d,
        c
          ? `configuration ${id} of the stack is also held by ${holder}`
          : `configuration ${id} of the stack no longer exists: \`pulumi up\` creates it again`,
      );
  }
  // The state key holding an id, named; one no declaration claims any more is a key renamed without formerKeys.
  const stateHolder = (id: number) => {
    const key = stateKeysOf.get(id)?.[0];
    if (key === undefined) return undefined;
    return namedKeys.has(key) || ignore.has(key)
      ? `resource ${key} of the stack`
      : `resource ${key} of the stack, no longer declared: to rename ${key}, declare \`formerKeys: [${key}]\` instead of \`import\``;
  };
  // `up` adopts only a configuration no create marked, or one this very resource's create marked.
  const markedAgainst = (d: Declaration, c: ProviderConfiguration): string | undefined => {
    if (markValueOf(c.meta_json) === undefined) return undefined;
    const mark = marks.get(c.id);
    if (!mark) return "carries an ownership mark that is not this project's: `pulumi up` does not adopt it";
    if (stack && mark.stack === stack.id) {
      return mark.resource === d.key
        ? undefined
        : `was created by resource ${mark.resource} of this stack (its ownership mark), and \`pulumi up\` adopts it for ${mark.resource} only`;
    }
    return `is managed by ${describeOwner(mark)}${stack ? "" : " (compare with `drift --stack`)"}`;
  };
  const importedBy = new Map<number, string>();
  for (const d of declarations) {
    if (d.importId === undefined) continue;
    if (!importedBy.has(d.importId)) importedBy.set(d.importId, d.key);
    if (matches.has(d.key)) continue;
    const c = byId.get(d.importId);
    const holder = c && (claimedBy.get(c.id) ?? stateHolder(c.id));
    const refused = c && markedAgainst(d, c);
    if (!c) missing(d, `import ${d.importId} does not exist`);
    else if (holder) missing(d, `import ${d.importId} is held by ${holder}`);
    else if (refused) missing(d, `import ${d.importId} ${refused}`);
    else if (stack)
      claim(d, c, {
        matchedBy: "import",
        toAdopt: true,
        hint: `not in the stack yet: \`pulumi up\` adopts configuration ${c.id}`,
      });
    else claim(d, c, { matchedBy: "import" });
  }
  const unclaimed = (c: ProviderConfiguration) => !claimedBy.has(c.id) && !inState.has(c.id);
  const free = (c: ProviderConfiguration) => unclaimed(c) && !elsewhere(c);
  // This stack's create marked it for this very resource, and the state never heard back. (A free
  // configuration's mark, if any, is this stack's.)
  for (const d of stack ? declarations : []) {
    if (matches.has(d.key)) continue;
    const made = live.find((c) => free(c) && marks.get(c.id)?.resource === d.key);
    if (made)
      missing(
        d,
        `configuration ${made.id} was created for it by ${INTERRUPTED}: the next \`up\` takes it over if it is still exactly what the declaration creates`,
      );
  }
  // Same name and provider first, then the name alone: the order of the declarations does not matter.
  for (const sameProvider of [true, false]) {
    for (const d of declarations) {
      if (matches.has(d.key)) continue;
      const sameName = live.find(
        (c) => free(c) && !markedAgainst(d, c) && c.name === d.name && (!sameProvider || c.provider === d.provider),
      );
      if (!sameName) continue;
      if (stack) missing(d, `a configuration with this name exists: adopt it with \`import: ${sameName.id}\``);
      else claim(d, sameName, { matchedBy: "name" });
    }
  }
  for (const d of declarations) {
    if (matches.has(d.key)) continue;
    const other = live.find((c) => unclaimed(c) && elsewhere(c) && c.name === d.name);
    if (!other) missing(d);
    else
      missing(
        d,
        `configuration ${other.id} with this name is managed by ${describeOwner(elsewhere(other)!)}${stack ? "" : " (compare with `drift --stack`)"}`,
      );
  }

  const configurations = declarations.map((d): ConfigurationDrift => {
    const { live: match, matchedBy, hint, toAdopt } = matches.get(d.key)!;
    const base = { key: d.key, file: d.file, line: d.line, name: d.name, provider: d.provider };
    if (!match || toAdopt) {
      const notCompared = { apiKey: "not-compared", apiSecret: "not-compared" } as const;
      return {
        ...base,
        id: match?.id ?? null,
        matchedBy,
        status: "missing",
        changes: [],
        secrets: notCompared,
        ...(hint ? { hint } : {}),
      };
    }
    // The declaration as the resource's inputs: the same comparison as the provider's diff.
    const declared: ConfigurationInputs = { name: d.name, provider: d.provider, active: d.active, meta: d.meta ?? {} };
    if (d.baseUrl !== undefined) declared.baseUrl = d.baseUrl;
    if (d.sipUrl !== undefined) declared.sipUrl = d.sipUrl;
    const secrets: ConfigurationDrift["secrets"] = { apiKey: "not-declared", apiSecret: "not-declared" };
    for (const field of SECRET_INPUTS) {
      const ref = d[field];
      if (!ref) continue; // not declared: not managed, so not compared
      const value = options.secretValue(ref);
      if (value === undefined) secrets[field] = "not-compared";
      else declared[field] = value;
    }
    const found = differences(toOutputs(match), declared);
    const changes: FieldChange[] = found.flatMap(({ field, declared: value, live: liveValue }) =>
      field === "apiKey" || field === "apiSecret" ? [] : [{ field, declared: value, live: liveValue }],
    );
    for (const field of SECRET_INPUTS) {
      if (declared[field] !== undefined)
        secrets[field] = found.some((c) => c.field === field) ? "changed" : "unchanged";
    }
    return { ...base, id: match.id, matchedBy, status: found.length ? "changed" : "in-sync", changes, secrets };
  });

  // In the program: a declaration (under its key or a former one), or a resource declared in code (ignored).
  const inProgram = (key: string) => stateKeysUsed.has(key) || ignore.has(key);
  // The provider does not delete a configuration another resource of the stack holds or takes over.
  const heldBy = (key: string, id: number) =>
    claimedBy.get(id) ?? importedBy.get(id) ?? stateKeysOf.get(id)?.find((k) => k !== key && inProgram(k)) ?? null;
  // A stack resource declared in code rather than in these files is left out by its key.
  const removed = [...(stateIds ?? [])]
    .filter(([key]) => !declaredKeys.has(key) && !inProgram(key))
    .map(([key, id]): RemovedConfiguration => ({
      key,
      id,
      name: byId.get(id)?.name ?? null,
      provider: byId.get(id)?.provider ?? null,
      live: byId.has(id),
      heldBy: heldBy(key, id),
    }));
  const notClaimed = live.filter(free);
  const kept = notClaimed.filter((c) => !ignore.has(String(c.id)) && !ignore.has(c.name));
  const unmanaged = options.onlyManaged
    ? []
    : kept.map((c): UnmanagedConfiguration => {
        const mark = marks.get(c.id);
        const held = mark && stateIds?.get(mark.resource);
        const hint =
          mark &&
          (held === undefined
            ? `created by resource ${mark.resource} of this stack but not in its state (${INTERRUPTED}): the next \`up\` takes it over if declaration ${mark.resource} still creates exactly this; otherwise delete it`
            : `created by resource ${mark.resource} of this stack, which holds configuration ${held}: left behind by ${INTERRUPTED}; delete it`);
        return { id: c.id, name: c.name, provider: c.provider, ...(hint ? { hint } : {}) };
      });
  const managedElsewhere = live.flatMap((c): ManagedElsewhere[] => {
    const owner = unclaimed(c) ? elsewhere(c) : undefined;
    return owner
      ? [{ id: c.id, name: c.name, provider: c.provider, stack: owner.stack, resource: owner.resource }]
      : [];
  });

  const count = (status: ConfigurationDrift["status"]) => configurations.filter((c) => c.status === status).length;
  const summary = {
    declared: configurations.length,
    inSync: count("in-sync"),
    changed: count("changed"),
    missing: count("missing"),
    removed: removed.length,
    unmanaged: unmanaged.length,
    ignored: notClaimed.length - unmanaged.length,
    managedElsewhere: managedElsewhere.length,
  };
  return {
    version: 3,
    inSync: summary.changed + summary.missing + summary.removed + summary.unmanaged === 0,
    summary,
    configurations,
    removed,
    unmanaged,
    managedElsewhere,
  };
}
