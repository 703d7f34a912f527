import { TelephonyClient } from "./client.js";

/** Where the provider reaches the API: stack config `telephony:*`, else the TELEPHONY_* environment variables. */
export interface ApiSettings {
  apiUrl: string;
  apiToken: string;
  orgHandle: string;
  productId: number;
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
  return { ...settings, productId: Number(settings.productId) };
}

export const clientFor = (settings: ApiSettings): TelephonyClient =>
  new TelephonyClient({
    baseUrl: settings.apiUrl,
    token: settings.apiToken,
    orgHandle: settings.orgHandle,
    productId: settings.productId,
  });
