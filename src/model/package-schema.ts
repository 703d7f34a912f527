// The Pulumi package schema of the native plugin (pulumi-resource-telephony): the package `telephony`,
// its provider config and the resource telephony:index:ProviderConfiguration, made from the field
// table. scripts/generate-schemas.ts writes it to plugin/schema.json, the plugin's GetSchema answers
// that file, and `pulumi package gen-sdk` makes the SDKs from it. Pure.
import { DECLARED_FIELDS as DECLARED, FIELDS as ALL, type Field } from "./configuration.js";
import { NATIVE_RESOURCE_TYPE } from "./resource-type.js";

type Schema = Record<string, unknown>;

const FIELDS: readonly Field[] = ALL;
const DECLARED_FIELDS: readonly Field[] = DECLARED;

/** The provider's settings: the same keys (`telephony:*`) and variables (TELEPHONY_*) as the dynamic resource's. */
const CONFIG: Record<string, Schema> = {
  apiUrl: {
    type: "string",
    description: "The Provider Configurations API's base URL, e.g. https://unpod.dev.",
    defaultInfo: { environment: ["TELEPHONY_API_URL"] },
  },
  apiToken: {
    type: "string",
    secret: true,
    description: "The API token (sent as `Authorization: Token …`).",
    defaultInfo: { environment: ["TELEPHONY_API_TOKEN"] },
  },
  orgHandle: {
    type: "string",
    description:
      "The organization's handle (the Org-Handle header): the organization whose configurations this provider manages.",
    defaultInfo: { environment: ["TELEPHONY_ORG_HANDLE"] },
  },
  productId: {
    type: "integer",
    description: "The product the configurations belong to (the Product-ID header).",
    defaultInfo: { environment: ["TELEPHONY_PRODUCT_ID"] },
  },
  maxRequestsPerSecond: {
    type: "number",
    description: "Requests per second never to exceed, for an API that publishes its limit.",
    defaultInfo: { environment: ["TELEPHONY_MAX_RPS"] },
  },
  formerApiUrls: {
    type: "array",
    items: { type: "string" },
    description:
      "Earlier base URLs of this same API: configurations recorded at one of them are reached at apiUrl. Any other recorded URL is another API, never written to.",
    defaultInfo: { environment: ["TELEPHONY_FORMER_API_URLS"] },
  },
};

const described = (field: Field): string =>
  [field.description, field.rules?.description].filter((text) => typeof text === "string").join(" ");

function property(field: Field): Schema {
  const type: Schema =
    field.kind === "meta"
      ? { type: "object", additionalProperties: { type: "string" } }
      : field.kind === "providerDetails"
        ? { $ref: "#/types/telephony:index:ProviderDetails" }
        : { type: field.kind };
  return { ...type, description: described(field), ...(field.secret ? { secret: true } : {}) };
}

const IMPORT_ID: Schema = {
  type: "integer",
  description:
    "Adopt the existing configuration with this id when the resource is created, PATCHing its writable fields to match (the YAML declarations' `import`). Pulumi's own import (`pulumi import`, or the `import` resource option) adopts one only when it already matches.",
};

/** What the state records besides the configuration's fields: where it lives and whose it is. */
const IDENTITY: Record<string, Schema> = {
  apiUrl: { type: "string", description: "The API the configuration lives at (its normalised base URL)." },
  mark: {
    type: "string",
    description:
      "The ownership mark the configuration carries (meta_json `telephony-config:owner`), written by the create; unset on one adopted without it.",
  },
  instance: {
    type: "string",
    description: "Which resource holds the configuration: set when a resource creates, adopts or imports it.",
  },
};

export function packageSchema(version: string): Schema {
  const inputs = Object.fromEntries(DECLARED_FIELDS.map((f) => [f.name, property(f)]));
  return {
    name: "telephony",
    displayName: "Telephony provider configurations",
    version,
    description:
      "Telephony provider configurations (Twilio, Airtel, Jio, LiveKit…) managed through the Provider Configurations API.",
    keywords: ["pulumi", "telephony", "kind/native", "category/utility"],
    license: "Apache-2.0",
    publisher: "telephony-config",
    config: { variables: CONFIG },
    provider: {
      description: "The Provider Configurations API one organization's configurations are managed through.",
      inputProperties: CONFIG,
    },
    types: {
      "telephony:index:ProviderDetails": {
        type: "object",
        description: "A provider's entry in the vendor's catalogue.",
        properties: {
          id: { type: "integer" },
          name: { type: "string" },
          description: { type: "string" },
          icon: { type: "string" },
        },
      },
    },
    resources: {
      [NATIVE_RESOURCE_TYPE]: {
        description:
          "A telephony provider configuration. Changing `provider` or `meta` replaces it (the new configuration is created first, with the secrets of the one replaced); every other field is changed in place. `apiKey` and `apiSecret` are secrets; one left out is not managed: the live value stays and never enters the state.",
        inputProperties: { ...inputs, importId: IMPORT_ID },
        requiredInputs: DECLARED_FIELDS.filter((f) => f.required).map((f) => f.name),
        properties: { ...Object.fromEntries(FIELDS.map((f) => [f.name, property(f)])), ...IDENTITY },
        required: FIELDS.filter((f) => f.required || (f.output && !f.optionalInAnswer)).map((f) => f.name),
      },
    },
    language: {
      nodejs: {
        packageName: "@telephony-config/pulumi-telephony",
        packageDescription: "Telephony provider configurations for Pulumi (TypeScript/JavaScript SDK).",
        dependencies: { "@pulumi/pulumi": "^3.260.0" },
      },
      python: { packageName: "pulumi_telephony", requires: { pulumi: ">=3.260.0,<4.0.0" } },
      go: {
        importBasePath: "github.com/telephony-config/telephony-config/sdk/go/telephony",
        generateResourceContainerTypes: false,
        respectSchemaVersion: true,
      },
    },
  };
}
