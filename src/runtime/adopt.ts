// Adopting an existing configuration by its import id: PATCHes what differs, refuses what only a
// replacement could change, and what another stack or resource marked as its own.
import { randomUUID } from "node:crypto";
import type { Configuration } from "../client/contract.js";
import { isNotFound } from "../client/errors.js";
import {
  describeOwner,
  markValueOf,
  parseMark,
  patchFor,
  replacementsFor,
  toOutputs,
  type ConfigurationInputs,
  type ConfigurationOutputs,
  type Owner,
} from "../model/index.js";
import { confirmedGone } from "./live.js";
import type { Operation } from "./operation.js";
import { identified } from "./outputs.js";

/**
 * The adopted configuration's outputs. Undefined when this operation's refresh found it deleted: it is
 * to be created again. An id that does not exist otherwise is an error (a typo must not create a
 * duplicate of the one meant).
 */
export async function adopt(
  op: Operation,
  id: number,
  inputs: ConfigurationInputs,
  owner: Owner,
): Promise<ConfigurationOutputs | undefined> {
  const live = await toAdopt(op, id);
  if (!live) return undefined;
  if (op.ledger.isHeld(id))
    throw new Error(`cannot adopt configuration ${id}: another resource of this stack manages it`);
  refuseOthersMark("adopt", id, live, owner);
  const instance = randomUUID();
  op.ledger.hold(id, instance);
  const orgHandle = op.configured().orgHandle;
  const outputs = identified(op, toOutputs(live, inputs), orgHandle, instance);
  refuseReplacements(id, live.name, outputs, inputs);
  const patch = patchFor(outputs, inputs);
  return Object.keys(patch).length
    ? identified(op, toOutputs(await op.api().update(id, patch), inputs), orgHandle, instance)
    : outputs;
}

/** The configuration at `id`; undefined when this operation proved it gone before. */
async function toAdopt(op: Operation, id: number): Promise<Configuration | undefined> {
  try {
    const live = await op.api().get(id);
    op.ledger.sawLive(id);
    return live;
  } catch (error) {
    if (op.ledger.isGone(id) && isNotFound(error)) return undefined;
    if (await confirmedGone(op, op.api(), id, error, op.configured().orgHandle)) {
      throw new Error(
        `cannot adopt configuration ${id}: it does not exist in organization ${op.configured().orgHandle}. ` +
          "If it was deleted and is to be created again, remove `import` from the declaration (or run `pulumi up --refresh`).",
        { cause: error },
      );
    }
    throw error;
  }
}

/** A configuration marked by another stack or resource (or by anything not this project's) is theirs. */
export function refuseOthersMark(verb: "adopt" | "import", id: number, live: Configuration, owner: Owner): void {
  const markValue = markValueOf(live.meta_json);
  if (markValue === undefined) return;
  const mark = parseMark(markValue);
  const sameKey = mark && mark.stack === owner.stack && mark.resource === owner.resource;
  if (sameKey && mark.host === owner.host) return;
  if (sameKey)
    throw new Error(
      `cannot ${verb} configuration ${id} ("${live.name}"): the ${mark.host ?? "dynamic"} resource of this same key created it, and the stack's state may still hold it as that resource. ` +
        "A stack moves between the dynamic and the native resource with telephony-config migrate --stack <stack>. If the state holds it (pulumi stack export), " +
        "it is that resource's; if no resource holds it, a create whose answer was lost left it behind before the move: delete it, then run pulumi up again.",
    );
  const by = mark ? describeOwner(mark) : "an ownership mark that is not this project's";
  const rename =
    mark?.stack === owner.stack
      ? ` To rename that resource, declare it under the new key with formerKeys: [${mark.resource}].`
      : "";
  throw new Error(
    `cannot ${verb} configuration ${id} ("${live.name}"): it is managed by ${by} (its ownership mark), and never taken from it.${rename}`,
  );
}

/** Adopting must not replace someone's live configuration: provider and meta must already match. */
function refuseReplacements(
  id: number,
  name: string,
  outputs: ConfigurationOutputs,
  inputs: ConfigurationInputs,
): void {
  const replaces = replacementsFor(outputs, inputs);
  if (!replaces.length) return;
  const detail = replaces.map((f) =>
    f === "provider"
      ? `provider is ${outputs.provider}, declared ${inputs.provider}`
      : "meta differs from the declaration",
  );
  throw new Error(
    `cannot adopt configuration ${id} ("${name}"): ${detail.join("; ")}. ` +
      "The API cannot change provider or meta in place, and adopting would replace someone's live configuration: " +
      "make the declaration match it, or drop `import` to create a new one.",
  );
}
