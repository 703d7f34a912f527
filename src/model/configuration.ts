// The one description of a configuration's fields. The resource's types, the mapping to and from the
// API, the create and PATCH bodies, the comparison, the declarations' format and the JSON Schemas under
// schemas/ (scripts/generate-schemas.ts) all derive from FIELDS: adding a field starts here.
import type { ProviderDetails } from "../client/contract.js";
import type { Owner } from "./ownership.js";
import { KNOWN_PROVIDERS } from "./provider-catalogue.js";

/** What a field holds, in the resource's terms. */
export type FieldKind = "string" | "integer" | "boolean" | "meta" | "providerDetails";

export interface Field {
  /** Its name in declarations and on the resource. */
  readonly name: string;
  /** Its name in the API. */
  readonly api: string;
  readonly kind: FieldKind;
  /** The resource must have it. */
  readonly required?: true;
  /** A YAML declaration may leave it out: it defaults to the declaration's key. */
  readonly keyDefault?: true;
  /** Never shown; when not declared it is not managed: not compared, not sent, not kept. */
  readonly secret?: true;
  /** A PATCH may change it. */
  readonly patchable?: true;
  /** Changing it replaces the configuration: the API cannot PATCH it. */
  readonly replaces?: true;
  /** Set by the API, never declared nor compared. */
  readonly output?: true;
  /** The API may answer null, which means "". */
  readonly nullable?: true;
  /** What an unset value compares as: the API's default. */
  readonly unset?: string | boolean;
  /** The API takes an empty value as null (base_url's pattern refuses ""). */
  readonly emptyAsNull?: true;
  /** The API may leave it out of a configuration it answers with. */
  readonly optionalInAnswer?: true;
  /** What a declared (resolved) value must be, beyond its kind: JSON Schema keywords. */
  readonly rules?: Readonly<Record<string, unknown>>;
  /** What its `pattern` rule means, as the declarations' problems say it. */
  readonly patternMessage?: string;
  /** What it is, where its rules do not say (the package schema's description). */
  readonly description?: string;
  /** Said of it in a YAML declaration, where it differs from the resource's. */
  readonly declaredDescription?: string;
  /** What the API takes in a create or PATCH body (the contract's rules, not ours): JSON Schema. */
  readonly request?: Readonly<Record<string, unknown>>;
}

export const FIELDS = [
  {
    name: "name",
    api: "name",
    kind: "string",
    required: true,
    keyDefault: true,
    patchable: true,
    unset: "",
    rules: { minLength: 1, maxLength: 255 },
    description: "Name shown in the platform (the API does not require it to be unique).",
    declaredDescription: "Name shown in the platform; defaults to the key.",
    request: { type: "string", minLength: 1, maxLength: 255 },
  },
  {
    name: "provider",
    api: "provider",
    kind: "integer",
    required: true,
    replaces: true,
    rules: {
      minimum: 1,
      description: `Provider id from the vendor's catalogue: ${KNOWN_PROVIDERS}. Changing it replaces the configuration.`,
    },
    request: { type: "integer" },
  },
  {
    name: "active",
    api: "active",
    kind: "boolean",
    patchable: true,
    unset: true,
    description: "Whether the platform uses the configuration.",
    rules: { description: "Defaults to true." },
    request: { type: "boolean" },
  },
  {
    name: "apiKey",
    api: "api_key",
    kind: "string",
    secret: true,
    description: "The provider account's API key, always kept as a secret.",
    patchable: true,
    nullable: true,
    rules: {
      minLength: 1,
      description: "Leave it out to leave the live key alone: an undeclared secret is not managed.",
    },
    request: { type: "string" },
  },
  {
    name: "apiSecret",
    api: "api_secret",
    kind: "string",
    secret: true,
    description: "The provider account's API secret, always kept as a secret.",
    patchable: true,
    nullable: true,
    rules: {
      minLength: 1,
      description: "Leave it out to leave the live secret alone: an undeclared secret is not managed.",
    },
    request: { type: "string" },
  },
  {
    name: "baseUrl",
    api: "base_url",
    kind: "string",
    patchable: true,
    nullable: true,
    unset: "",
    emptyAsNull: true,
    rules: { pattern: "^https?://[^\\s]+$", description: "The provider's API base URL (http or https)." },
    patternMessage: "must be an http:// or https:// URL",
    request: { type: ["string", "null"], pattern: "^https?://" },
  },
  {
    name: "sipUrl",
    api: "sip_url",
    kind: "string",
    patchable: true,
    nullable: true,
    unset: "",
    rules: { pattern: "^sips?:[^\\s]+$", description: "SIP URI (sip: or sips:)." },
    patternMessage: "must be a sip: or sips: URI",
    request: { type: "string", pattern: "^(sips?:.+)?$" },
  },
  // Sorted by key when compared or sent: its order is not meaningful. The ownership mark is kept apart.
  {
    name: "meta",
    api: "meta_json",
    kind: "meta",
    replaces: true,
    rules: {
      description:
        "Metadata, sent as meta_json. Changing it replaces the configuration (the API cannot PATCH it). The key telephony-config:owner is reserved for the ownership mark a create writes.",
    },
  },
  {
    name: "providerDetails",
    api: "provider_details",
    kind: "providerDetails",
    output: true,
    optionalInAnswer: true,
    description: "The catalogue's entry for the provider id, as the API answers it (null when it has none).",
  },
  {
    name: "orgHandle",
    api: "org_handle",
    kind: "string",
    output: true,
    description: "The organization the configuration belongs to, as reached (the Org-Handle header).",
  },
] as const satisfies readonly Field[];

type AnyField = (typeof FIELDS)[number];
type Declarable = Exclude<AnyField, { output: true }>;
type ValueOf<K extends FieldKind> = K extends "string"
  ? string
  : K extends "integer"
    ? number
    : K extends "boolean"
      ? boolean
      : K extends "meta"
        ? Record<string, string>
        : ProviderDetails | null;

/** The fields a declaration gives: name, provider, active, the secrets, the URLs, meta. */
export type DeclaredField = Declarable["name"];
export type SecretField = Extract<AnyField, { secret: true }>["name"];
export type ReplacingField = Extract<AnyField, { replaces: true }>["name"];

export const DECLARED_FIELDS: readonly Declarable[] = FIELDS.filter((f): f is Declarable => !("output" in f));
export const SECRET_INPUTS = FIELDS.filter((f) => "secret" in f).map((f) => f.name as SecretField);
export type SecretInput = SecretField;

/** The declared values, typed by the table; `Secret` is what a secret is declared as (a value, a reference). */
export type DeclaredValues<Secret = string> = {
  [F in Extract<Declarable, { required: true }> as F["name"]]: ValueOf<F["kind"]>;
} & {
  [F in Exclude<Declarable, { required: true }> as F["name"]]?: F extends { secret: true }
    ? Secret
    : ValueOf<F["kind"]>;
};

/** The resource's inputs once resolved (secrets unwrapped, as the dynamic provider sees them). */
export type ConfigurationInputs = DeclaredValues & {
  /** Adopt this existing configuration instead of creating one. */
  importId?: number;
  /** The stack and resource key declaring it: what a create marks the configuration with. */
  owner?: Owner;
};

/** The configuration as the API returns it, camelCased and normalised. */
export type ConfigurationOutputs = {
  [F in Exclude<AnyField, { secret: true }> as F["name"]]: ValueOf<F["kind"]>;
} & {
  /** Present only when declared: a secret that is not declared is not managed, nor kept in state. */
  [F in Extract<AnyField, { secret: true }> as F["name"]]?: string;
} & {
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
};
