import type { ProviderDetails } from "../client/contract.js";
import { PROVIDER_CATALOGUE as KNOWN } from "../model/provider-catalogue.js";

// The catalogue the package knows (api/openapi.yaml lists these ids), as the API answers an entry.
export const PROVIDER_CATALOGUE: ReadonlyMap<number, ProviderDetails> = new Map(
  [...KNOWN].map(([id, { name, description }]) => [
    id,
    { id, name, description, icon: `https://unpod.dev/static/providers/${name.toLowerCase()}.svg` },
  ]),
);
