// What an update of a resource would change, field by field: a host that reports a detailed diff shows
// the entries, the dynamic provider folds them into changes and replaces. No API call.
import {
  changedFields,
  releasedSecrets,
  replacementsFor,
  undeclaredSecrets,
  type ConfigurationInputs,
  type ConfigurationOutputs,
} from "../model/index.js";
import { apiRelation, otherApiMessage } from "./identity.js";
import type { Operation } from "./operation.js";

/** A field that differs: `replace` when only a new configuration can hold the new value. */
export interface DiffEntry {
  field: string;
  kind: "update" | "replace";
}

/** `olds` are the outputs the state holds for configuration `id`, `news` the resource's inputs now. */
export function diff(op: Operation, id: string, olds: ConfigurationOutputs, news: ConfigurationInputs): DiffEntry[] {
  op.ledger.hold(Number(id), olds.instance);
  if (news.owner) op.ledger.heldByOwner(news.owner, { id, state: olds });
  const entries = [...fieldEntries(olds, news), ...identityEntries(op, id, olds, news)];
  const carried = undeclaredSecrets(news);
  if (entries.some((e) => e.kind === "replace") && carried.length) {
    op.notice(
      `${news.name}: the replacement of configuration ${id} carries its live ${carried.join(" and ")} over (not declared; read at the replacement, never stored)`,
    );
  }
  // A secret the state holds but the declaration no longer has leaves the state (no API call).
  return [...entries, ...releasedSecrets(olds, news).map((field) => ({ field, kind: "update" as const }))];
}

/** The declared fields that differ from the state's, replacements first. */
function fieldEntries(olds: ConfigurationOutputs, news: ConfigurationInputs): DiffEntry[] {
  const replacing = new Set<string>(replacementsFor(olds, news));
  return changedFields(olds, news).map((field) => ({ field, kind: replacing.has(field) ? "replace" : "update" }));
}

/** What the settings change about where the configuration lives; none when they did not resolve. */
function identityEntries(
  op: Operation,
  id: string,
  olds: ConfigurationOutputs,
  news: ConfigurationInputs,
): DiffEntry[] {
  const settings = op.settings;
  if (!settings) return [];
  // Another API is never written to: refused here, before preview shows any step.
  const relation = apiRelation(olds.apiUrl, settings);
  if (relation === "other") throw new Error(otherApiMessage(id, olds, settings.apiUrl));
  const entries: DiffEntry[] = [];
  // The organization is part of a configuration's identity: a new one means a new configuration there
  // (created first), and the old one deleted where it lives.
  if (olds.orgHandle && olds.orgHandle !== settings.orgHandle) {
    entries.push({ field: "orgHandle", kind: "replace" });
    op.notice(
      `${news.name}: telephony:orgHandle is now ${settings.orgHandle}: configuration ${id} is replaced by a new one there, then deleted in ${olds.orgHandle}`,
    );
  }
  // A new address of the API, or state of a release that did not record one: the update records it,
  // once the configuration there is proved to be this one (no write).
  if (relation === "moved" || olds.apiUrl === undefined) entries.push({ field: "apiUrl", kind: "update" });
  return entries;
}
