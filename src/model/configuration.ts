// The one description of a configuration's fields. The resource's types, the mapping to and from the
// API, the create and PATCH bodies, the comparison, the declarations' format and the JSON Schemas under
// schemas/ (scripts/generate-schemas.ts) all derive from FIELDS: adding a field starts here.
import type { ProviderDetails } from "../client/contract.js";
import type { Owner } from "./ownership.js";

/** What a field holds, in the resource's terms. */
export type FieldKind = "string" | "integer" | "boolean" | "meta" | "providerDetails";

export interface Field {
  /** Its name in declarations and on the resource. */
  readonly name: string;
  /** Its name in the API. */
  readonly api: string;
  readonly kind: FieldKind;
  /** A declaration must give it (a YAML declaration's name defaults to its key before that). */
  readonly required?: true;
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
}

export const FIELDS = [
  { name: "name", api: "name", kind: "string", required: true, patchable: true, unset: "" },
  { name: "provider", api: "provider", kind: "integer", required: true, replaces: true },
  { name: "active", api: "active", kind: "boolean", patchable: true, unset: true },
  { name: "apiKey", api: "api_key", kind: "string", secret: true, patchable: true, nullable: true },
  { name: "apiSecret", api: "api_secret", kind: "string", secret: true, patchable: true, nullable: true },
  {
    name: "baseUrl",
    api: "base_url",
    kind: "string",
    patchable: true,
    nullable: true,
    unset: "",
    emptyAsNull: true,
  },
  { name: "sipUrl", api: "sip_url", kind: "string", patchable: true, nullable: true, unset: "" },
  // Sorted by key when compared or sent: its order is not meaningful. The ownership mark is kept apart.
  { name: "meta", api: "meta_json", kind: "meta", replaces: true },
  { name: "providerDetails", api: "provider_details", kind: "providerDetails", output: true },
  { name: "orgHandle", api: "org_handle", kind: "string", output: true },
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
