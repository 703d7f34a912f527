// A refresh: the configuration as it is live, or proved gone.
import { DECLARED_FIELDS, parseMark, toOutputs, type ConfigurationOutputs } from "../model/index.js";
import { fetched, refuseStranger } from "./live.js";
import type { Operation } from "./operation.js";
import { identified, secretsOf, withSecrets, type Outputs } from "./outputs.js";

export interface Read extends Outputs {
  /** Inputs that mirror what is live, so that the next diff shows drift field by field. */
  inputs: Record<string, unknown>;
}

/** Configuration `id` as it is live; undefined when it was deleted out of band. */
export async function read(op: Operation, id: string, state: ConfigurationOutputs): Promise<Read | undefined> {
  return op.guarded(secretsOf(state), async () => {
    op.ledger.hold(Number(id), state.instance);
    // Deleted out of band, as the API itself says and its list confirms. Any other answer (a proxy's
    // page, a wrong base path) is an error, and the state stays.
    const live = await fetched(op, op.apiFor(id, state), op.orgOf(state), id);
    if (!live) return undefined;
    // Another configuration at this id is not this resource's: its fields never enter the state.
    refuseStranger(op, id, state, live);
    // What a create of this resource in the operation replaces (pulumi up --refresh --replace, whose
    // replacement the engine does not diff): its undeclared secrets are carried over.
    const owner = state.mark === undefined ? undefined : parseMark(state.mark);
    if (owner) op.ledger.heldByOwner(owner, { id, state });
    // Only the secrets the state holds are managed; the others are not read into it.
    const outputs = identified(op, toOutputs(live, state), op.orgOf(state), state.instance);
    return { ...withSecrets(outputs), inputs: liveInputs(outputs) };
  });
}

/** The declared fields of `outputs`; empty optional ones are left out, as an undeclared one is. */
export function liveInputs(outputs: ConfigurationOutputs): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const field of DECLARED_FIELDS) {
    const value = outputs[field.name];
    if (!("nullable" in field) || value) inputs[field.name] = value;
  }
  return inputs;
}
