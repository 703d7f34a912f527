// A replacement's new configuration gets the live secrets of the one it replaces that the declaration
// leaves out: read at the replacement, never stored, never printed.
import { toOutputs, undeclaredSecrets, type ConfigurationInputs } from "../model/index.js";
import type { Held } from "./ledger.js";
import { ownedLive } from "./live.js";
import type { Operation } from "./operation.js";

/**
 * The live secrets of the configuration `replaced` holds that `inputs` leave out, read now. If they
 * cannot be read, nothing is created (and so nothing deleted).
 */
export async function carriedSecrets(
  op: Operation,
  { id, state }: Held,
  inputs: ConfigurationInputs,
): Promise<Partial<ConfigurationInputs>> {
  const fields = undeclaredSecrets(inputs);
  if (!fields.length) return {};
  let live;
  try {
    live = await ownedLive(op, op.apiFor(id, state), id, state, { fresh: true });
  } catch (error) {
    throw new Error(
      `cannot replace configuration ${id}: its live ${fields.join(" and ")}, which the declaration leaves out, could not be read ` +
        `to carry them over, so nothing was created or deleted: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!live) {
    // Deleted out of band: what it held is gone already, and nothing here can bring it back.
    op.notice(
      `${inputs.name}: configuration ${id}, being replaced, no longer exists: no ${fields.join(" or ")} to carry over`,
    );
    return {};
  }
  const values = toOutputs(live);
  return Object.fromEntries(fields.filter((f) => values[f]).map((f) => [f, values[f]!]));
}
