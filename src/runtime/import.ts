// Pulumi's own import (`pulumi import`, the `import` resource option, a native host's Read without
// state): the configuration at an id becomes the resource's as it is, nothing written. Another stack's
// or resource's (its mark), or one this stack already holds, is refused.
import { randomUUID } from "node:crypto";
import { toOutputs, type Owner } from "../model/index.js";
import { refuseOthersMark } from "./adopt.js";
import { fetched } from "./live.js";
import type { Operation } from "./operation.js";
import { identified, withSecrets } from "./outputs.js";
import { liveInputs, type Read } from "./read.js";

/** Configuration `id` of the configured organization, as the resource `owner` would hold it: no secret in it. */
export async function importConfiguration(op: Operation, id: string, owner: Owner): Promise<Read> {
  return op.guarded([], async () => {
    if (!/^[1-9]\d*$/.test(id))
      throw new Error(`cannot import configuration ${JSON.stringify(id)}: an id is a positive integer`);
    const orgHandle = op.configured().orgHandle;
    const live = await fetched(op, op.api(), orgHandle, id);
    if (!live)
      throw new Error(
        `cannot import configuration ${id}: it does not exist in organization ${orgHandle} at ${op.here()}`,
      );
    if (op.ledger.isHeld(live.id))
      throw new Error(`cannot import configuration ${id}: another resource of this stack holds it`);
    refuseOthersMark("import", live.id, live, owner);
    const instance = randomUUID();
    op.ledger.hold(live.id, instance);
    // Secrets are not read: an imported configuration's secrets stay unmanaged until declared.
    const outputs = identified(op, toOutputs(live, {}), orgHandle, instance);
    return { ...withSecrets(outputs), inputs: liveInputs(outputs) };
  });
}
