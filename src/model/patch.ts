import type { UpdateConfigurationInput } from "../client/contract.js";
import { DECLARED_FIELDS, type ConfigurationInputs, type ConfigurationOutputs } from "./configuration.js";
import { differences } from "./compare.js";
import { toApi } from "./mapping.js";

/** The PATCH that brings `live` to `desired`: only the writable fields that differ. */
export function patchFor(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): UpdateConfigurationInput {
  const patch: Record<string, unknown> = {};
  for (const { field, declared } of differences(live, desired)) {
    const spec = DECLARED_FIELDS.find((f) => f.name === field)!;
    if ("patchable" in spec) patch[spec.api] = toApi(spec, declared);
  }
  return patch as UpdateConfigurationInput;
}
