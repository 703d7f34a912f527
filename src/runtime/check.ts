// Whether a resource's inputs can be acted on, before any operation: failures name the property and
// the reason, never a value (it may be a secret).
import { OWNER_META_KEY, SECRET_INPUTS, unknownProvider, type ConfigurationInputs } from "../model/index.js";
import { validateResourceArgs } from "../model/schema.js";
import type { Ledger } from "./ledger.js";

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * A value not known until apply (preview of a value computed from another resource), as hosts pass
 * it: Pulumi's own marker, which its dynamic provider receives as is. Judged at apply instead.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The failures of `news` (a resource's inputs); `olds` are its inputs in the state, if any. `notice`
 * says what is worth a look but is no failure.
 */
export function check(
  ledger: Ledger,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  notice: (message: string) => void,
): CheckFailure[] {
  if (!validateResourceArgs(news)) return schemaFailures(news);
  const inputs = news as unknown as ConfigurationInputs;
  if (inputs.owner) ledger.checked(inputs.owner);
  const failures = blankSecrets(inputs) ?? reservedMeta(inputs) ?? importHeld(ledger, olds, inputs) ?? [];
  if (!failures.length) warnUnknownProvider(olds, inputs, notice);
  return failures;
}

/**
 * A provider id the package's catalogue does not know is said at preview, before the API refuses it
 * at up; the API is the judge (a vendor added since is no failure). One the state holds already was
 * accepted by the API: not said again at every preview.
 */
function warnUnknownProvider(
  olds: Record<string, unknown>,
  inputs: ConfigurationInputs,
  notice: (message: string) => void,
): void {
  if (olds.provider === inputs.provider) return;
  const warning = unknownProvider(inputs.provider);
  if (!warning) return;
  notice(`warning: ${inputs.owner ? `resource "${inputs.owner.resource}": ` : ""}${warning}`);
}

function schemaFailures(news: Record<string, unknown>): CheckFailure[] {
  return (validateResourceArgs.errors ?? [])
    .map((e) => ({
      property: e.instancePath.split("/")[1] || String(e.params.missingProperty ?? e.params.additionalProperty ?? ""),
      reason:
        e.keyword === "additionalProperties"
          ? `unknown property ${String(e.params.additionalProperty)}`
          : (e.message ?? "is invalid"),
    }))
    .filter((f) => news[f.property] !== UNKNOWN);
}

/** A secret of only spaces would overwrite the live one with nothing: leave it out to leave that alone. */
function blankSecrets(inputs: ConfigurationInputs): CheckFailure[] | undefined {
  const blank = SECRET_INPUTS.filter(
    (field) => inputs[field] !== undefined && inputs[field] !== UNKNOWN && !inputs[field]!.trim(),
  );
  if (!blank.length) return undefined;
  return blank.map((property) => ({
    property,
    reason: "is only whitespace: leave it out to leave the live value alone",
  }));
}

/** The mark's key is the create's to write: a declaration (in code; YAML keys cannot hold a colon) cannot. */
function reservedMeta(inputs: ConfigurationInputs): CheckFailure[] | undefined {
  if (!inputs.meta || !Object.hasOwn(inputs.meta, OWNER_META_KEY)) return undefined;
  return [{ property: "meta", reason: `the key ${OWNER_META_KEY} is reserved for the ownership mark a create writes` }];
}

/**
 * One id, one holder: an import (read only by a resource that has no state yet) of an id another
 * resource of the stack holds is refused, naming both. The stack program registers imports after the
 * other resources, so their diffs have run by then; renaming a key is what formerKeys are for.
 */
function importHeld(
  ledger: Ledger,
  olds: Record<string, unknown>,
  inputs: ConfigurationInputs,
): CheckFailure[] | undefined {
  if (Object.keys(olds).length || inputs.importId === undefined || !inputs.owner) return undefined;
  const holder = ledger.holderKeyOf(inputs.importId);
  if (holder === undefined || holder === inputs.owner.resource) return undefined;
  const reason = `configuration ${inputs.importId} is held by resource "${holder}" of this stack, and one configuration has one resource: to rename "${holder}" to "${inputs.owner.resource}", declare formerKeys: [${holder}] instead of import`;
  return [{ property: "importId", reason }];
}
