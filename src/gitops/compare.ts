import type { ProviderConfiguration } from "../client/contract.js";
import type { Declaration, SecretReference } from "../declarations/declaration.js";
import { differences, SECRET_INPUTS, toOutputs, type ConfigurationInputs } from "../provider/mapping.js";
import type { ConfigurationDrift, DriftReport, FieldChange, SecretStatus } from "./report.js";

export interface CompareOptions {
  /** Logical key → id recorded in the stack's state, when a stack is known. */
  stateIds?: ReadonlyMap<string, number>;
  /** A secret's declared value, when it is available here. */
  secretValue: (ref: SecretReference) => string | undefined;
}

/**
 * Desired (declarations) against live (one list of the organization's configurations). Each
 * declaration is matched by the id in the stack's state, else by its import id, else by exact name.
 * Pure.
 */
export function compare(declarations: Declaration[], live: ProviderConfiguration[], options: CompareOptions): DriftReport {
  const byId = new Map(live.map((c) => [c.id, c]));
  const claimed = new Set<number>();
  const byName = (name: string) => live.find((c) => c.name === name && !claimed.has(c.id));

  const configurations = declarations.map((d): ConfigurationDrift => {
    const stateId = options.stateIds?.get(d.key);
    let match: ProviderConfiguration | undefined;
    let matchedBy: ConfigurationDrift["matchedBy"] = null;
    if (stateId !== undefined) {
      match = byId.get(stateId);
      matchedBy = "state";
    } else if (d.importId !== undefined) {
      match = byId.get(d.importId);
      matchedBy = "import";
    } else {
      match = byName(d.name);
      matchedBy = "name";
    }
    const base = { key: d.key, file: d.file, line: d.line, name: d.name, provider: d.provider };
    if (!match) {
      const notCompared: SecretStatus = "not-compared";
      return { ...base, id: null, matchedBy: null, status: "missing", changes: [], secrets: { apiKey: notCompared, apiSecret: notCompared } };
    }
    claimed.add(match.id);
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
    const drifted = found.length > 0;
    return { ...base, id: match.id, matchedBy, status: drifted ? "changed" : "in-sync", changes, secrets };
  });

  const unmanaged = live.filter((c) => !claimed.has(c.id)).map((c) => ({ id: c.id, name: c.name, provider: c.provider }));
  const count = (status: ConfigurationDrift["status"]) => configurations.filter((c) => c.status === status).length;
  const summary = {
    declared: configurations.length,
    inSync: count("in-sync"),
    changed: count("changed"),
    missing: count("missing"),
    unmanaged: unmanaged.length,
  };
  return {
    version: 1,
    // Unmanaged configurations are listed, not counted as drift: nothing declared differs, and no
    // apply could change them.
    inSync: summary.changed === 0 && summary.missing === 0,
    summary,
    configurations,
    unmanaged,
  };
}
