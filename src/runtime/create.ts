// A resource without a configuration yet: adopted by its import id, or created exactly once, or, when
// the engine replaces one, created with the secrets of the one replaced.
import { randomUUID } from "node:crypto";
import {
  isCreatedFrom,
  SECRET_INPUTS,
  toCreateBody,
  toOutputs,
  undeclaredSecrets,
  type ConfigurationInputs,
  type Owner,
} from "../model/index.js";
import { adopt } from "./adopt.js";
import { carriedSecrets } from "./carried-secrets.js";
import { createOnce } from "./create-once.js";
import type { Operation } from "./operation.js";
import { identified, secretsOf, withSecrets, type Outputs } from "./outputs.js";

export interface Created extends Outputs {
  id: string;
}

export async function create(op: Operation, inputs: ConfigurationInputs): Promise<Created> {
  const secrets = secretsOf(inputs);
  return op.guarded(secrets, async () => {
    const owner = inputs.owner;
    if (!owner)
      throw new Error(`"${inputs.name}" has no owner: declare it with telephony-config's ProviderConfiguration`);
    const replaced = op.ledger.replacedBy(owner);
    if (!replaced) await refuseUnseenReplacement(op, inputs, owner);
    // `import` is read only when the resource has no state: a replacement creates a new configuration,
    // and so does a re-creation after this operation's refresh found the configuration deleted.
    if (inputs.importId !== undefined && !replaced) {
      const adopted = await adopt(op, inputs.importId, inputs, owner);
      if (adopted) {
        op.ledger.createdFor(owner);
        return { id: String(inputs.importId), ...withSecrets(adopted) };
      }
      op.notice(
        `${inputs.name}: configuration ${inputs.importId} (import) was deleted; creating the configuration again ` +
          "(remove `import` from the declaration)",
      );
    }
    const carried = replaced ? await carriedSecrets(op, replaced, inputs) : {};
    secrets.push(...SECRET_INPUTS.map((field) => carried[field]));
    const created = await createMarked(op, { ...inputs, ...carried }, owner, inputs);
    op.ledger.createdFor(owner);
    return created;
  });
}

/** Creates what `body` declares, marked by `owner`; the outputs keep only what `declared` declares. */
async function createMarked(
  op: Operation,
  body: ConfigurationInputs,
  owner: Owner,
  declared: ConfigurationInputs,
): Promise<Created> {
  const instance = randomUUID();
  const mark = { ...owner, create: randomUUID() };
  const orgHandle = op.configured().orgHandle;
  const created = await createOnce(toCreateBody(body, mark), mark, {
    client: op.api(),
    before: () => op.listed(orgHandle),
    isKnown: (id) => op.ledger.isKnown(id),
    hold: (id) => {
      op.ledger.hold(id, instance);
      op.ledger.sawLive(id);
    },
    notice: op.notice,
  });
  // Carried secrets are not declared, so not the resource's: they stay out of its outputs.
  return { id: String(created.id), ...withSecrets(identified(op, toOutputs(created, declared), orgHandle, instance)) };
}

/**
 * Configurations this resource's creates marked, held by no resource, are either left by an
 * interrupted run or the one `pulumi up --replace` replaces: the engine does not diff those, so the
 * runtime is not told which configuration it replaces, nor that it is a replacement. One that is not
 * what this create would make cannot be told from such a replacement, whose undeclared secrets could
 * not be carried over: refused.
 */
async function refuseUnseenReplacement(op: Operation, inputs: ConfigurationInputs, owner: Owner): Promise<void> {
  const marked = (await op.listed(op.configured().orgHandle))
    .markedBy(owner.stack, [owner.resource, ...(owner.formerly ?? [])])
    .map(({ configuration }) => configuration)
    .filter((c) => !op.ledger.isKnown(c.id));
  const undeclared = undeclaredSecrets(inputs);
  const declared = toCreateBody(inputs);
  const strangers = marked.filter((c) => c.id !== inputs.importId && !isCreatedFrom(declared, c));
  if (!strangers.length || !undeclared.length) return;
  throw new Error(
    `configuration ${strangers.map((c) => c.id).join(", ")} carries the mark of "${owner.resource}" and is not what it would create now: ` +
      `either pulumi up --replace is replacing it, and its live ${undeclared.join(" and ")}, which the declaration leaves out, cannot be carried over ` +
      "(the engine does not tell the provider what a forced replacement replaces), or an interrupted run left it behind before the declaration changed. " +
      "Nothing was created. Declare the secrets to replace it (or change its meta: a replacement the provider sees carries them over); " +
      "delete one left behind.",
  );
}
