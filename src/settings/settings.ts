import { TelephonyClient } from "../client/index.js";
import type { StackConfig } from "./stack-config.js";

/** Where the API is reached: stack config `telephony:*`, else the TELEPHONY_* environment variables. */
export interface ApiSettings {
  apiUrl: string;
  apiToken: string;
  orgHandle: string;
  productId: number;
  /** Optional: requests per second never to exceed (an API that publishes its limit). */
  maxRequestsPerSecond?: number;
  /**
   * Earlier addresses of this same API (normalised): a configuration recorded at one of them is
   * reached at apiUrl. Any other recorded address is another API, never written to from here.
   */
  formerApiUrls: string[];
  /**
   * Where each value came from, as an error names the setting to fix (never the value):
   * `telephony:apiToken in the config of stack dev`, `the environment variable TELEPHONY_API_TOKEN`.
   */
  sources: Record<keyof typeof SOURCES, string>;
}

/**
 * A base URL as a configuration's identity records it: scheme, host and port as the URL parser spells
 * them (lower case, default port dropped), and the path without trailing slashes.
 */
export function normaliseApiUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

/** A list of URLs: a JSON array (`pulumi config set --path 'telephony:formerApiUrls[0]' …`) or separated by commas or spaces. */
function urlList(key: string, text: string | undefined): string[] {
  const trimmed = text?.trim();
  if (!trimmed) return [];
  let items: unknown = trimmed.split(/[\s,]+/);
  if (trimmed.startsWith("[")) {
    try {
      items = JSON.parse(trimmed);
    } catch {
      throw new Error(`${key} is not a JSON list of URLs`);
    }
  }
  if (!Array.isArray(items) || items.some((item) => typeof item !== "string"))
    throw new Error(`${key} must be a list of URLs`);
  return (items as string[]).map((item, index) => {
    try {
      return normaliseApiUrl(item);
    } catch {
      throw new Error(`${key}: item ${index + 1} is not a URL`);
    }
  });
}

const SOURCES = {
  apiUrl: ["telephony:apiUrl", "TELEPHONY_API_URL"],
  apiToken: ["telephony:apiToken", "TELEPHONY_API_TOKEN"],
  orgHandle: ["telephony:orgHandle", "TELEPHONY_ORG_HANDLE"],
  productId: ["telephony:productId", "TELEPHONY_PRODUCT_ID"],
} as const;

/**
 * The settings from `config` (Pulumi config keys; `configName` says whose: "the stack's config", "the
 * config of stack dev"), else from the environment.
 */
export function resolveSettings(
  config: (key: string) => string | undefined,
  env: Record<string, string | undefined>,
  configName = "the stack's config",
): ApiSettings {
  const missing: string[] = [];
  const sources = {} as ApiSettings["sources"];
  const pick = (field: keyof typeof SOURCES): string => {
    const [key, variable] = SOURCES[field];
    const fromConfig = config(key);
    const value = (fromConfig ?? env[variable])?.trim();
    if (!value) missing.push(`${key} (or ${variable})`);
    sources[field] = fromConfig !== undefined ? `${key} in ${configName}` : `the environment variable ${variable}`;
    return value ?? "";
  };
  const settings = {
    apiUrl: pick("apiUrl"),
    apiToken: pick("apiToken"),
    orgHandle: pick("orgHandle"),
    productId: pick("productId"),
  };
  if (missing.length) {
    const example = missing[0]!.startsWith("telephony:apiToken")
      ? "pulumi config set --secret telephony:apiToken < ~/.telephony-token"
      : `pulumi config set ${missing[0]!.split(" ")[0]} …`;
    throw new Error(`the telephony API is not configured: set ${missing.join(", ")}; e.g. ${example}`);
  }
  // A value set in the wrong place may be another one's secret (a token pasted as the URL): messages
  // name the setting and where it came from, never the value.
  // The handle is part of each configuration's identity: no spelling the API would read differently.
  if (/\s/.test(settings.orgHandle)) throw new Error(`${sources.orgHandle} must not contain spaces`);
  if (!/^\d+$/.test(settings.productId)) throw new Error(`${sources.productId} must be an integer (digits only)`);
  let url: URL | undefined;
  try {
    url = new URL(settings.apiUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:")
    throw new Error(`${sources.apiUrl} is not an http:// or https:// URL (e.g. https://unpod.dev)`);
  const resolved: ApiSettings = {
    ...settings,
    productId: Number(settings.productId),
    sources,
    formerApiUrls: urlList(
      "telephony:formerApiUrls (or TELEPHONY_FORMER_API_URLS)",
      config("telephony:formerApiUrls") ?? env.TELEPHONY_FORMER_API_URLS,
    ),
  };
  const rps = (config("telephony:maxRequestsPerSecond") ?? env.TELEPHONY_MAX_RPS)?.trim();
  if (rps) {
    if (!(Number(rps) > 0))
      throw new Error("telephony:maxRequestsPerSecond (or TELEPHONY_MAX_RPS) must be a positive number");
    resolved.maxRequestsPerSecond = Number(rps);
  }
  return resolved;
}

/**
 * The settings every command resolves: with a stack (`--stack`), its `telephony:*` config, secrets
 * included; the environment for what the stack does not set, and for everything without one.
 */
export const commandSettings = (stack: StackConfig | undefined, env: Record<string, string | undefined>): ApiSettings =>
  resolveSettings((key) => stack?.config[key], env, `the config of stack ${stack?.name}`);

export const clientFor = (settings: ApiSettings, onRateLimited?: () => void): TelephonyClient =>
  new TelephonyClient({
    baseUrl: settings.apiUrl,
    token: settings.apiToken,
    orgHandle: settings.orgHandle,
    productId: settings.productId,
    maxRequestsPerSecond: settings.maxRequestsPerSecond,
    onRateLimited,
    settingNames: {
      baseUrl: settings.sources.apiUrl,
      token: settings.sources.apiToken,
      orgHandle: settings.sources.orgHandle,
    },
  });
