// Between the resource's camelCased inputs and outputs and the API's objects. Pure.
import type {
  CreateConfigurationInput,
  MetaEntry,
  PatchableField,
  ProviderConfiguration,
  ProviderDetails,
  UpdateConfigurationInput,
} from "../client/contract.js";
import { markEntry, markValueOf, withoutMark, type Mark, type Owner } from "./ownership.js";

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
  /** The stack and resource key declaring it: what a create marks the configuration with. */
  owner?: Owner;
}

/** The configuration as the API returns it, camelCased and normalised. */
export interface ConfigurationOutputs {
  name: string;
  provider: number;
  providerDetails: ProviderDetails | null;
  orgHandle: string;
  active: boolean;
  /** Present only when declared: a secret that is not declared is not managed, nor kept in state. */
  apiKey?: string;
  apiSecret?: string;
  baseUrl: string;
  sipUrl: string;
  /** The declared meta: the ownership mark is not among them (it is in `mark`). */
  meta: Record<string, string>;
  /** The API the configuration lives at (its normalised base URL): part of its identity with the id. */
  apiUrl?: string;
  /**
   * The ownership mark (its meta_value) the live configuration carried when this resource created,
   * adopted or took it over; absent for one that carries none. A write first checks it is still there.
   */
  mark?: string;
  /**
   * Which resource holds the configuration: set when a resource creates, adopts or takes it over, so
   * that two resources holding one configuration (a renamed key) can be told apart.
   */
  instance?: string;
}

export const SECRET_INPUTS = ["apiKey", "apiSecret"] as const;
export type SecretInput = (typeof SECRET_INPUTS)[number];

interface Comparable {
  name: string;
  active: boolean;
  /** undefined: not declared, so not managed: never compared, never sent. */
  apiKey: string | undefined;
  apiSecret: string | undefined;
  baseUrl: string;
  sipUrl: string;
}

/** Resource field ↔ API field, for those a PATCH may change. */
const PATCHABLE: ReadonlyArray<[keyof Comparable, PatchableField]> = [
  ["name", "name"],
  ["active", "active"],
  ["apiKey", "api_key"],
  ["apiSecret", "api_secret"],
  ["baseUrl", "base_url"],
  ["sipUrl", "sip_url"],
];

/** `null` and `""` mean the same for URLs; an unset `active` means true; an undeclared secret stays undefined. */
function comparable(x: Partial<ConfigurationInputs | ConfigurationOutputs>): Comparable {
  return {
    name: x.name ?? "",
    active: x.active ?? true,
    apiKey: x.apiKey,
    apiSecret: x.apiSecret,
    baseUrl: x.baseUrl ?? "",
    sipUrl: x.sipUrl ?? "",
  };
}

/** Whether `field` of `live` differs from `desired`; a secret is compared only when it is declared. */
function differs(from: Comparable, to: Comparable, field: keyof Comparable): boolean {
  if ((field === "apiKey" || field === "apiSecret") && to[field] === undefined) return false;
  return from[field] !== to[field];
}

/** meta_json as a map with sorted keys: its order is not meaningful. */
export function metaMap(entries: MetaEntry[] | Record<string, string> | undefined): Record<string, string> {
  const pairs = Array.isArray(entries)
    ? entries.map((e) => [e.meta_key, e.meta_value] as const)
    : Object.entries(entries ?? {});
  return Object.fromEntries([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sameMeta = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) =>
  JSON.stringify(metaMap(a)) === JSON.stringify(metaMap(b));

/**
 * The live configuration as the resource's outputs. `managed` names the secrets the declaration
 * holds: only those are kept (in state, as secrets); the others are not the resource's to know.
 */
export function toOutputs(
  c: ProviderConfiguration,
  managed: Partial<Record<SecretInput, unknown>> = { apiKey: true, apiSecret: true },
): ConfigurationOutputs {
  const outputs: ConfigurationOutputs = {
    name: c.name,
    provider: c.provider,
    providerDetails: c.provider_details,
    orgHandle: c.org_handle,
    active: c.active,
    baseUrl: c.base_url ?? "",
    sipUrl: c.sip_url ?? "",
    meta: metaMap(withoutMark(c.meta_json)),
  };
  const mark = markValueOf(c.meta_json);
  if (mark !== undefined) outputs.mark = mark;
  if (managed.apiKey !== undefined) outputs.apiKey = c.api_key ?? "";
  if (managed.apiSecret !== undefined) outputs.apiSecret = c.api_secret ?? "";
  return outputs;
}

/**
 * The POST body for a declaration, with the ownership mark when there is one. An undeclared secret is
 * not sent: the API keeps its own default.
 */
export function toCreateBody(inputs: ConfigurationInputs, mark?: Mark): CreateConfigurationInput {
  const c = comparable(inputs);
  const meta = Object.entries(metaMap(inputs.meta)).map(([meta_key, meta_value]) => ({ meta_key, meta_value }));
  const body: CreateConfigurationInput = {
    name: c.name,
    provider: inputs.provider,
    active: c.active,
    base_url: c.baseUrl || null,
    sip_url: c.sipUrl,
    meta_json: mark ? [...meta, markEntry(mark)] : meta,
  };
  if (c.apiKey !== undefined) body.api_key = c.apiKey;
  if (c.apiSecret !== undefined) body.api_secret = c.apiSecret;
  return body;
}

/**
 * Whether `live` holds exactly what POSTing `body` would have made, the ownership mark apart (whose it
 * is, is the mark's question). Every other field counts, secrets included (compared here, in memory,
 * never reported); a field the body leaves out must hold the API's default.
 */
export function isCreatedFrom(body: CreateConfigurationInput, live: ProviderConfiguration): boolean {
  const meta = (entries: MetaEntry[] | undefined) => JSON.stringify(metaMap(withoutMark(entries)));
  return (
    live.name === body.name &&
    live.provider === body.provider &&
    live.active === (body.active ?? true) &&
    (live.api_key ?? "") === (body.api_key ?? "") &&
    (live.api_secret ?? "") === (body.api_secret ?? "") &&
    (live.base_url ?? "") === (body.base_url ?? "") &&
    (live.sip_url ?? "") === (body.sip_url ?? "") &&
    meta(live.meta_json) === meta(body.meta_json)
  );
}

/** The PATCH that brings `live` to `desired`: only the writable fields that differ. */
export function patchFor(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): UpdateConfigurationInput {
  const from = comparable(live);
  const to = comparable(desired);
  const patch: UpdateConfigurationInput = {};
  for (const [field, apiField] of PATCHABLE) {
    if (!differs(from, to, field)) continue;
    if (apiField === "base_url") patch.base_url = to.baseUrl || null;
    else (patch as Record<string, unknown>)[apiField] = to[field];
  }
  return patch;
}

/** The fields that can only change by replacing the configuration. */
export function replacementsFor(
  live: Partial<ConfigurationOutputs>,
  desired: ConfigurationInputs,
): Array<"provider" | "meta"> {
  const replaces: Array<"provider" | "meta"> = [];
  if (live.provider !== desired.provider) replaces.push("provider");
  if (!sameMeta(live.meta, desired.meta)) replaces.push("meta");
  return replaces;
}

export type DifferingField = "provider" | "meta" | keyof Comparable;

export interface Difference {
  field: DifferingField;
  declared: unknown;
  live: unknown;
}

/**
 * Every field in which `live` differs from `desired`, replacements first: the one definition of
 * "differs", for the provider's diff and for drift alike, so that `drift` and `pulumi preview
 * --refresh` never disagree. Secret values are in the result: callers report secrets by name only.
 */
export function differences(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): Difference[] {
  const from = comparable(live);
  const to = comparable(desired);
  return [
    ...replacementsFor(live, desired).map((field) => ({
      field,
      declared: field === "meta" ? metaMap(desired.meta) : desired.provider,
      live: field === "meta" ? metaMap(live.meta) : live.provider,
    })),
    ...PATCHABLE.filter(([field]) => differs(from, to, field)).map(([field]) => ({
      field,
      declared: to[field],
      live: from[field],
    })),
  ];
}

/** Names of the changed fields, for messages: secrets by name only. */
export function changedFields(live: Partial<ConfigurationOutputs>, desired: ConfigurationInputs): DifferingField[] {
  return differences(live, desired).map((d) => d.field);
}
