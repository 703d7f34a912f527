// Between the resource's camelCased inputs and outputs and the API's objects. Pure.
import type {
  CreateConfigurationInput,
  MetaEntry,
  PatchableField,
  ProviderConfiguration,
  ProviderDetails,
  UpdateConfigurationInput,
} from "../client/contract.js";

/** The resource's inputs once resolved (secrets unwrapped, as the dynamic provider sees them). */
export interface ConfigurationInputs {
  name: string;
  provider: number;
  active?: boolean;
  apiKey?: string;
  apiSecret?: string;
  baseUrl?: string;
  sipUrl?: string;
  meta?: Record<string, string>;
  /** Adopt this existing configuration instead of creating one. */
  importId?: number;
}

/** The configuration as the API returns it, camelCased and normalised. */
export interface ConfigurationOutputs {
  name: string;
  provider: number;
  providerDetails: ProviderDetails | null;
  orgHandle: string;
  active: boolean;
  apiKey: string;
  apiSecret: string;
  baseUrl: string;
  sipUrl: string;
  meta: Record<string, string>;
}

type Comparable = Pick<ConfigurationOutputs, "name" | "active" | "apiKey" | "apiSecret" | "baseUrl" | "sipUrl">;

/** Resource field ↔ API field, for those a PATCH may change. */
const PATCHABLE: ReadonlyArray<[keyof Comparable, PatchableField]> = [
  ["name", "name"],
  ["active", "active"],
  ["apiKey", "api_key"],
  ["apiSecret", "api_secret"],
  ["baseUrl", "base_url"],
  ["sipUrl", "sip_url"],
];

/** `null` and `""` mean the same for URLs and secrets; an unset `active` means true. */
function comparable(x: Partial<ConfigurationInputs | ConfigurationOutputs>): Comparable {
  return {
    name: x.name ?? "",
    active: x.active ?? true,
    apiKey: x.apiKey ?? "",
    apiSecret: x.apiSecret ?? "",
    baseUrl: x.baseUrl ?? "",
    sipUrl: x.sipUrl ?? "",
  };
}

/** meta_json as a map with sorted keys: its order is not meaningful. */
export function metaMap(entries: MetaEntry[] | Record<string, string> | undefined): Record<string, string> {
  const pairs = Array.isArray(entries) ? entries.map((e) => [e.meta_key, e.meta_value] as const) : Object.entries(entries ?? {});
  return Object.fromEntries([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sameMeta = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) =>
  JSON.stringify(metaMap(a)) === JSON.stringify(metaMap(b));

export function toOutputs(c: ProviderConfiguration): ConfigurationOutputs {
  return {
    name: c.name,
    provider: c.provider,
    providerDetails: c.provider_details,
    orgHandle: c.org_handle,
    active: c.active,
    apiKey: c.api_key ?? "",
    apiSecret: c.api_secret ?? "",
    baseUrl: c.base_url ?? "",
    sipUrl: c.sip_url ?? "",
    meta: metaMap(c.meta_json),
  };
}

export function toCreateBody(inputs: ConfigurationInputs): CreateConfigurationInput {
  const c = comparable(inputs);
  return {
    name: c.name,
    provider: inputs.provider,
    active: c.active,
    api_key: c.apiKey,
    api_secret: c.apiSecret,
    base_url: c.baseUrl || null,
    sip_url: c.sipUrl,
    meta_json: Object.entries(metaMap(inputs.meta)).map(([meta_key, meta_value]) => ({ meta_key, meta_value })),
  };
}

/** The PATCH that brings `live` to `desired`: only the writable fields that differ. */
export function patchFor(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): UpdateConfigurationInput {
  const from = comparable(live);
  const to = comparable(desired);
  const patch: UpdateConfigurationInput = {};
  for (const [field, apiField] of PATCHABLE) {
    if (from[field] === to[field]) continue;
    if (apiField === "base_url") patch.base_url = to.baseUrl || null;
    else (patch as Record<string, unknown>)[apiField] = to[field];
  }
  return patch;
}

/** The fields that can only change by replacing the configuration. */
export function replacementsFor(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): Array<"provider" | "meta"> {
  const replaces: Array<"provider" | "meta"> = [];
  if (live.provider !== desired.provider) replaces.push("provider");
  if (!sameMeta(live.meta, desired.meta)) replaces.push("meta");
  return replaces;
}

/** Names of the changed fields, for messages: secrets by name only. */
export function changedFields(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): string[] {
  const from = comparable(live);
  const to = comparable(desired);
  return [
    ...replacementsFor(live, desired),
    ...PATCHABLE.filter(([field]) => from[field] !== to[field]).map(([field]) => field),
  ];
}
