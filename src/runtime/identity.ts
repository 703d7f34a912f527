// Whether an existing configuration is still the one a resource holds: at the API its state records,
// and, at its id, the object it created or adopted. Pure: the runtime asks before anything is written.
import type { Configuration } from "../client/contract.js";
import { normaliseApiUrl, type ApiSettings } from "../settings/settings.js";
import {
  changedFields,
  describeOwner,
  markValueOf,
  parseMark,
  toOutputs,
  type ConfigurationOutputs,
} from "../model/index.js";

/**
 * How the configured API relates to the one a resource's state records: the same, the same at a new
 * address (telephony:formerApiUrls names the recorded one), or another API. State written by releases
 * that did not record it counts as the same.
 */
export function apiRelation(
  recorded: string | undefined,
  settings: Pick<ApiSettings, "apiUrl" | "formerApiUrls">,
): "same" | "moved" | "other" {
  if (recorded === undefined || recorded === normaliseApiUrl(settings.apiUrl)) return "same";
  return settings.formerApiUrls.includes(recorded) ? "moved" : "other";
}

export function otherApiMessage(id: string, state: Partial<ConfigurationOutputs>, apiUrl: string): string {
  const current = normaliseApiUrl(apiUrl);
  return (
    `configuration ${id} ("${state.name}") lives at the API at ${state.apiUrl} (recorded in the stack's state), ` +
    `but telephony:apiUrl is now ${current}: nothing was sent to either. ` +
    `If ${current} is the same API at a new address, say so: pulumi config set --path 'telephony:formerApiUrls[0]' ${state.apiUrl}. ` +
    "If the stack is to move to another API, destroy its configurations with the old apiUrl first, " +
    "or drop them from the state (pulumi state delete) to leave them where they are."
  );
}

const whose = (value: string): string => {
  const mark = parseMark(value);
  return mark ? `the ownership mark of ${describeOwner(mark)}` : "an ownership mark that is not this project's";
};

/**
 * Why `live` is not the configuration `state` holds, or undefined when it is. A created one carries
 * the mark its create wrote; an adopted one, or one of an earlier release, carries none, and its
 * provider and meta, which no PATCH can change, must still be the ones recorded. `strict` (a new
 * address of the API, or state that never recorded one, where any look-alike may sit at the id) wants
 * every field last seen on one without a mark.
 */
export function strangerReason(
  state: Partial<ConfigurationOutputs>,
  live: Configuration,
  strict = false,
): string | undefined {
  const found = markValueOf(live.meta_json);
  if (state.mark !== undefined) {
    if (found === state.mark) return undefined;
    return found === undefined
      ? "it carries no ownership mark, and the configuration this resource holds carries one"
      : `it carries ${whose(found)}, not the one this resource's create wrote`;
  }
  if (found !== undefined) return `it carries ${whose(found)}, and the configuration this resource holds carries none`;
  // Compared as diff compares them; secrets are not the state's to know.
  const differing = changedFields(state, toOutputs(live, {}));
  if (differing.includes("provider"))
    return `its provider is ${live.provider}, not ${state.provider}, and a provider never changes in place`;
  if (differing.includes("meta")) return "its meta differs from the recorded one, and meta never changes in place";
  if (!strict) return undefined;
  // What a PATCH may change, on one without a mark.
  return differing.length
    ? `it carries no mark, and its ${differing.join(", ")} differ from what the stack's state last saw`
    : undefined;
}
