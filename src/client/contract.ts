// The Provider Configurations API as api/openapi.yaml (the reference) describes it: shapes, paths, and
// which fields each operation may write, as the client reads them. A test holds them to the document.

export interface MetaEntry {
  meta_key: string;
  meta_value: string;
}

export interface ProviderDetails {
  id: number;
  name: string;
  description: string;
  icon: string;
}

/** One configuration, as the API answers it. */
export interface Configuration {
  id: number;
  name: string;
  provider: number;
  provider_details: ProviderDetails | null;
  org_handle: string;
  meta_json: MetaEntry[];
  active: boolean;
  api_key: string | null;
  api_secret: string | null;
  base_url: string | null;
  sip_url: string | null;
}

/** @deprecated The name of the Pulumi resource too: use Configuration. */
export type ProviderConfiguration = Configuration;

export interface CreateConfigurationInput {
  name: string;
  provider: number;
  meta_json?: MetaEntry[];
  active?: boolean;
  api_key?: string;
  api_secret?: string;
  base_url?: string | null;
  sip_url?: string;
}

/** The fields a PATCH may carry; `provider` and `meta_json` can only change by replacement. */
export const PATCHABLE_FIELDS = ["name", "active", "api_key", "api_secret", "base_url", "sip_url"] as const;
export type PatchableField = (typeof PATCHABLE_FIELDS)[number];
export type UpdateConfigurationInput = Partial<Pick<Configuration, PatchableField>>;

/** Returned in plain text by the API, so masked by everything this project prints or stores. */
export const SECRET_FIELDS = ["api_key", "api_secret"] as const;

export interface Envelope<T> {
  status_code: number;
  message: string;
  data: T;
  errors?: Record<string, string[]>;
}

export const COLLECTION_PATH = "/api/v2/platform/telephony/providers-configurations/";
export const itemPath = (id: number | string): string => `${COLLECTION_PATH}${id}/`;

export type Operation = "list" | "create" | "get" | "update" | "delete";

/** Which of the organization headers each operation requires. */
export const REQUIRED_HEADERS: Record<Operation, { orgHandle: boolean; productId: boolean }> = {
  list: { orgHandle: false, productId: false },
  create: { orgHandle: true, productId: false },
  get: { orgHandle: true, productId: true },
  update: { orgHandle: true, productId: true },
  delete: { orgHandle: true, productId: true },
};
