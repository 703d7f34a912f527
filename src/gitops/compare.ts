import type { ProviderConfiguration } from "../client/contract.js";
import type { Declaration, SecretReference } from "../declarations/declaration.js";
import { differences, SECRET_INPUTS, toOutputs, type ConfigurationInputs } from "../provider/mapping.js";
import type { ConfigurationDrift, DriftReport, FieldChange } from "./report.js";

export interface CompareOptions {
  /** Logical key → id recorded in the stack's state, when a stack is known. */
  stateIds?: ReadonlyMap<string, number>;
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

/**
 * Desired (declarations) against live (one list of the organization's configurations) and, with a
 * stack, its state. Matching is deterministic and never gives one live id to two declarations: state
 * ids first (under the key, or a former key: an alias), then import ids, then — without a stack only —
 * exact names among the configurations not claimed already, same provider first. With a stack, a
 * declaration that is not in it is missing, since `up` would create (or, with an import, adopt) it.
 * Pure.
 */
export function compare(declarations: Declaration[], live: ProviderConfiguration[], options: CompareOptions): DriftReport {
  const byId = new Map(live.map((c) => [c.id, c]));
  const stateIds = options.stateIds;
  const inState = new Set(stateIds?.values() ?? []);
  const claimedBy = new Map<number, string>();
  const matches = new Map<string, Match>();
  const stateKeysUsed = new Set<string>();
  const claim = (d: Declaration, c: ProviderConfiguration, match: Omit<Match, "live">) => {
    claimedBy.set(c.id, d.key);
    matches.set(d.key, { live: c, ...match });
  };
  const missing = (d: Declaration, hint?: string) => matches.set(d.key, { live: undefined, matchedBy: null, ...(hint ? { hint } : {}) });

  for (const d of declarations) {
    const key = [d.key, ...d.formerKeys].find((k) => stateIds?.has(k));
    if (key === undefined) continue;
    stateKeysUsed.add(key);
    const id = stateIds!.get(key)!;
    const c = byId.get(id);
    const holder = claimedBy.get(id);
    if (c && !holder) claim(d, c, { matchedBy: "state" });
    else missing(d, c ? `configuration ${id} of the stack is also held by ${holder}` : `configuration ${id} of the stack no longer exists: \`pulumi up\` creates it again`);
  }
  for (const d of declarations) {
    if (matches.has(d.key) || d.importId === undefined) continue;
    const c = byId.get(d.importId);
    const holder = c && (claimedBy.get(c.id) ?? (inState.has(c.id) ? "another resource of the stack" : undefined));
    if (c && !holder && stateIds) claim(d, c, { matchedBy: "import", toAdopt: true, hint: `not in the stack yet: \`pulumi up\` adopts configuration ${c.id}` });
    else if (c && !holder) claim(d, c, { matchedBy: "import" });
    else missing(d, c ? `import ${d.importId} is held by ${holder}` : `import ${d.importId} does not exist`);
  }
  const free = (c: ProviderConfiguration) => !claimedBy.has(c.id) && !inState.has(c.id);
  // Same name and provider first, then the name alone: the order of the declarations does not matter.
  for (const sameProvider of [true, false]) {
    for (const d of declarations) {
      if (matches.has(d.key)) continue;
      const sameName = live.find((c) => free(c) && c.name === d.name && (!sameProvider || c.provider === d.provider));
      if (!sameName) continue;
      if (stateIds) missing(d, `a configuration with this name exists: adopt it with \`import: ${sameName.id}\``);
      else claim(d, sameName, { matchedBy: "name" });
    }
  }
  for (const d of declarations) if (!matches.has(d.key)) missing(d);

  const configurations = declarations.map((d): ConfigurationDrift => {
    const { live: match, matchedBy, hint, toAdopt } = matches.get(d.key)!;
    const base = { key: d.key, file: d.file, line: d.line, name: d.name, provider: d.provider };
    if (!match || toAdopt) {
      const notCompared = { apiKey: "not-compared", apiSecret: "not-compared" } as const;
      return { ...base, id: match?.id ?? null, matchedBy, status: "missing", changes: [], secrets: notCompared, ...(hint ? { hint } : {}) };
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
      if (declared[field] !== undefined) secrets[field] = found.some((c) => c.field === field) ? "changed" : "unchanged";
    }
    return { ...base, id: match.id, matchedBy, status: found.length ? "changed" : "in-sync", changes, secrets };
  });

  const ignore = new Set(options.ignore ?? []);
  const declaredKeys = new Set(declarations.map((d) => d.key));
  // A stack resource declared in code rather than in these files is left out by its key.
  const removed = [...(stateIds ?? [])]
    .filter(([key]) => !declaredKeys.has(key) && !stateKeysUsed.has(key) && !ignore.has(key))
    .map(([key, id]) => ({ key, id, name: byId.get(id)?.name ?? null, provider: byId.get(id)?.provider ?? null, live: byId.has(id) }));
  const notClaimed = live.filter(free);
  const kept = notClaimed.filter((c) => !ignore.has(String(c.id)) && !ignore.has(c.name));
  const unmanaged = options.onlyManaged ? [] : kept.map((c) => ({ id: c.id, name: c.name, provider: c.provider }));

  const count = (status: ConfigurationDrift["status"]) => configurations.filter((c) => c.status === status).length;
  const summary = {
    declared: configurations.length,
    inSync: count("in-sync"),
    changed: count("changed"),
    missing: count("missing"),
    removed: removed.length,
    unmanaged: unmanaged.length,
    ignored: notClaimed.length - unmanaged.length,
  };
  return {
    version: 2,
    inSync: summary.changed + summary.missing + summary.removed + summary.unmanaged === 0,
    summary,
    configurations,
    removed,
    unmanaged,
  };
}
