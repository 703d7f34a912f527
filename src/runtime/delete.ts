// A delete: only of the configuration the state holds, and never of one another resource now holds.
import type { ConfigurationOutputs, Owner } from "../model/index.js";
import { confirmedGone, ownedLive } from "./live.js";
import type { Operation } from "./operation.js";
import { secretsOf } from "./outputs.js";

/** `owner`, where the host knows it (the native plugin, from the URN): the resource whose state holds `id`. */
export async function remove(op: Operation, id: string, state: ConfigurationOutputs, owner?: Owner): Promise<void> {
  return op.guarded(secretsOf(state), async () => {
    // A resource that left the program while another took its configuration over (a renamed key)
    // must not delete what the other now holds.
    if (op.ledger.isHeldByAnother(Number(id), state.instance)) {
      op.notice(
        `configuration ${id} is held by another resource of this stack: removed from the state of the old one, not deleted`,
      );
      return;
    }
    // A resource the engine checked in this operation is still declared: the configuration it holds
    // (as its diff showed, or any, where the engine did not diff it: pulumi up --replace) is deleted only
    // as the old half of a replacement, once the new one exists. Deleted first (deleteBeforeReplace),
    // the organization would be without it, and the secrets the replacement carries over would be lost.
    // An old half left pending by an earlier run is not what the resource holds: its delete goes on.
    if (owner && op.ledger.isDeclaredUncreated(owner)) {
      const holds = op.ledger.replacedBy(owner)?.id;
      if (holds === undefined || holds === id)
        throw new Error(
          `configuration ${id} ("${state.name}") is being replaced, and its replacement does not exist yet: it is not deleted first. ` +
            "Nothing was deleted. A replacement creates the new configuration, then deletes this one: remove deleteBeforeReplace.",
        );
    }
    const client = op.apiFor(id, state);
    // Already gone, as the API itself says and its list confirms: nothing to delete.
    if (!(await ownedLive(op, client, id, state))) return;
    try {
      await client.delete(Number(id));
    } catch (error) {
      if (!(await confirmedGone(op, client, Number(id), error))) throw error;
    }
    // Gone for the rest of the operation: a create that lists later must not take it for its own.
    op.ledger.markGone(Number(id));
  });
}
