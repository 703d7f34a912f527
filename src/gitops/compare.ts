import type { ProviderConfiguration } from "../client/contract.js";
import type { Declaration, SecretReference } from "../declarations/declaration.js";
import { metaMap, toOutputs } from "../provider/mapping.js";
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
    const actual = toOutputs(match);
    const changes: FieldChange[] = [];
    const field = (name: FieldChange["field"], declared: unknown, liveValue: unknown) => {
      if (JSON.stringify(declared) !== JSON.stringify(liveValue)) changes.push({ field: name, declared, live: liveValue });
    };
    field("name", d.name, actual.name);
    field("provider", d.provider, actual.provider);
    field("active", d.active, actual.active);
    field("baseUrl", d.baseUrl ?? "", actual.baseUrl);
    field("sipUrl", d.sipUrl ?? "", actual.sipUrl);
    field("meta", metaMap(d.meta), actual.meta);
    // A secret that is not declared is not managed, so not compared either.
    const secret = (ref: SecretReference | undefined, liveValue: string | undefined): SecretStatus => {
      if (!ref) return "not-declared";
      const declared = options.secretValue(ref);
      if (declared === undefined) return "not-compared";
      return declared === liveValue ? "unchanged" : "changed";
    };
    const secrets = { apiKey: secret(d.apiKey, actual.apiKey), apiSecret: secret(d.apiSecret, actual.apiSecret) };
    const drifted = changes.length > 0 || secrets.apiKey === "changed" || secrets.apiSecret === "changed";
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
