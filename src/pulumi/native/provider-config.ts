// The provider's settings as the engine hands them over (stack config `telephony:*`, or an explicit
// provider's inputs), resolved as the dynamic provider resolves them, TELEPHONY_* as the fallback.
import { UNKNOWN } from "../../runtime/index.js";
import { LARGE_STACK_KEY, refuseUnoptedSkip } from "../../settings/large-stack.js";
import { resolveSettings, type ApiSettings } from "../../settings/settings.js";

/** The settings' keys, as the package schema's config variables name them. */
const KEYS = ["apiUrl", "apiToken", "orgHandle", "productId", "maxRequestsPerSecond", "formerApiUrls"];
/** What else a provider's inputs hold: the engine's own keys, and the declarations program's settings (same namespace). */
const OTHER_KEYS = ["version", "pluginDownloadURL", "declarations", "plugin", "largeStack"];

/** Each setting as text, keyed `telephony:<key>`: a list or number the engine sends typed becomes JSON. */
export function configTexts(values: Record<string, unknown>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const name = key.slice(key.lastIndexOf(":") + 1);
    if (value === undefined || value === null) continue;
    texts[`telephony:${name}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return texts;
}

/** The settings: a default provider's are the stack's config, and an explicit one's inputs are named alike. */
export const settingsFrom = (texts: Record<string, string>, env: NodeJS.ProcessEnv): ApiSettings =>
  resolveSettings((key) => texts[key], env, "the stack's config");

/** Whether the operation may write: refused when checkpoints are skipped on a stack that has not opted in. */
export const mayWriteWith = (texts: Record<string, string>, env: NodeJS.ProcessEnv) => (): void =>
  refuseUnoptedSkip(texts[LARGE_STACK_KEY], env);

/** Why the settings cannot be used, by key: what CheckConfig answers at preview. */
export function configFailures(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Array<{ property: string; reason: string }> {
  const failures = Object.keys(values)
    .filter((key) => !KEYS.includes(key) && !OTHER_KEYS.includes(key) && !key.startsWith("__"))
    .map((key) => ({
      property: key,
      reason: `telephony:${key} is not a setting of this provider (it has ${KEYS.map((k) => `telephony:${k}`).join(", ")})`,
    }));
  // A setting computed from another resource is judged once known (Configure at the update).
  if (Object.values(values).includes(UNKNOWN)) return failures;
  try {
    settingsFrom(configTexts(values), env);
  } catch (error) {
    const message = (error as Error).message;
    failures.push({ property: /telephony:(\w+)/.exec(message)?.[1] ?? "apiUrl", reason: message });
  }
  return failures;
}
