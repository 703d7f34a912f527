import { TelephonyClient } from "./client.js";

/** Where the provider reaches the API: stack config `telephony:*`, else the TELEPHONY_* environment variables. */
export interface ApiSettings {
  apiUrl: string;
  apiToken: string;
  orgHandle: string;
  productId: number;
  /** Optional: requests per second never to exceed (an API that publishes its limit). */
  maxRequestsPerSecond?: number;
}

const SOURCES = {
  apiUrl: ["telephony:apiUrl", "TELEPHONY_API_URL"],
  apiToken: ["telephony:apiToken", "TELEPHONY_API_TOKEN"],
  orgHandle: ["telephony:orgHandle", "TELEPHONY_ORG_HANDLE"],
  productId: ["telephony:productId", "TELEPHONY_PRODUCT_ID"],
} as const;

export function resolveSettings(
  config: (key: string) => string | undefined,
  env: Record<string, string | undefined>,
): ApiSettings {
  const missing: string[] = [];
  const pick = (field: keyof typeof SOURCES): string => {
    const [key, variable] = SOURCES[field];
    const value = (config(key) ?? env[variable])?.trim();
    if (!value) missing.push(`${key} (or ${variable})`);
    return value ?? "";
  };
  const settings = { apiUrl: pick("apiUrl"), apiToken: pick("apiToken"), orgHandle: pick("orgHandle"), productId: pick("productId") };
  if (missing.length) {
    throw new Error(`the telephony API is not configured: set ${missing.join(", ")}; e.g. pulumi config set --secret telephony:apiToken …`);
  }
  // The handle is part of each configuration's identity: no spelling the API would read differently.
  if (/\s/.test(settings.orgHandle)) throw new Error(`telephony:orgHandle must not contain spaces: ${JSON.stringify(settings.orgHandle)}`);
  if (!/^\d+$/.test(settings.productId)) throw new Error(`telephony:productId must be an integer, not ${JSON.stringify(settings.productId)}`);
  try {
    new URL(settings.apiUrl);
  } catch {
    throw new Error(`telephony:apiUrl is not a URL: ${JSON.stringify(settings.apiUrl)}`);
  }
  const resolved: ApiSettings = { ...settings, productId: Number(settings.productId) };
  const rps = (config("telephony:maxRequestsPerSecond") ?? env.TELEPHONY_MAX_RPS)?.trim();
  if (rps) {
    if (!(Number(rps) > 0)) throw new Error(`telephony:maxRequestsPerSecond (or TELEPHONY_MAX_RPS) must be a positive number, not ${JSON.stringify(rps)}`);
    resolved.maxRequestsPerSecond = Number(rps);
  }
  return resolved;
}

export const clientFor = (settings: ApiSettings, onRateLimited?: () => void): TelephonyClient =>
  new TelephonyClient({
    baseUrl: settings.apiUrl,
    token: settings.apiToken,
    orgHandle: settings.orgHandle,
    productId: settings.productId,
    maxRequestsPerSecond: settings.maxRequestsPerSecond,
    onRateLimited,
  });
