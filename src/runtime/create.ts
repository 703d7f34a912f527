// A resource without a configuration yet: adopted by its import id, or created exactly once, or, when
// the engine replaces one, created with the secrets of the one replaced.
import { randomUUID } from "node:crypto";
import { SECRET_INPUTS, toOutputs, type ConfigurationInputs, type Owner } from "../model/index.js";
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
  const created = await createOnce(body, mark, {
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
