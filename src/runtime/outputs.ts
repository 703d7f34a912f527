// What the runtime hands back about a configuration: its outputs with its identity, and which of their
// fields are secret, as data a host turns into its own secret values.
import {
  SECRET_INPUTS,
  undeclaredSecrets,
  type ConfigurationInputs,
  type ConfigurationOutputs,
  type SecretInput,
} from "../model/index.js";
import type { Operation } from "./operation.js";

/** A configuration's outputs, and the fields among them a host must keep secret. */
export interface Outputs {
  outputs: ConfigurationOutputs;
  secrets: SecretInput[];
}

export const withSecrets = (outputs: ConfigurationOutputs): Outputs => ({
  outputs,
  secrets: SECRET_INPUTS.filter((field) => outputs[field] !== undefined),
});

/**
 * The outputs with the configuration's identity: the API it lives at, the organization handle it is
 * reached with (the one sent as Org-Handle, not the API's spelling of it, so that comparing it with the
 * setting means what it says) and the holding resource's instance.
 */
export function identified(
  op: Operation,
  outs: ConfigurationOutputs,
  orgHandle: string,
  instance: string | undefined,
): ConfigurationOutputs {
  return { ...outs, orgHandle, apiUrl: op.here(), ...(instance ? { instance } : {}) };
}

/** A secret stays in the outputs only while it is declared. */
export function managedOnly(outs: ConfigurationOutputs, declared: Partial<ConfigurationInputs>): ConfigurationOutputs {
  const kept = { ...outs };
  for (const field of undeclaredSecrets(declared)) delete kept[field];
  return kept;
}

/** The secret values a call knows: masked in any error it raises. */
export const secretsOf = (...bags: Array<Partial<ConfigurationInputs> | undefined>): Array<string | undefined> =>
  bags.flatMap((bag) => SECRET_INPUTS.map((field) => bag?.[field]));
