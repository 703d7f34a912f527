// The vendor's provider catalogue as far as this package knows it. The API is the judge of which ids
// exist: declarations and the resource's check only warn about an id not here (a vendor the API added
// since passes), and the local server (serve) answers with these.

export interface CatalogueEntry {
  name: string;
  description: string;
}

export const PROVIDER_CATALOGUE: ReadonlyMap<number, CatalogueEntry> = new Map([
  [1, { name: "Airtel", description: "Airtel telephony" }],
  [2, { name: "Jio", description: "Jio telephony" }],
  [3, { name: "Twilio", description: "Twilio programmable voice" }],
  [4, { name: "LiveKit", description: "LiveKit voice infrastructure" }],
  [5, { name: "Daily", description: "Daily voice infrastructure" }],
  [6, { name: "Vapi", description: "Vapi voice infrastructure" }],
  [58, { name: "Vodafone", description: "Vodafone telephony" }],
  [66, { name: "VI", description: "Vodafone Idea telephony" }],
]);

/** "1 Airtel, 2 Jio, …": the known ids, as the schema's description and the warnings list them. */
export const KNOWN_PROVIDERS = [...PROVIDER_CATALOGUE].map(([id, { name }]) => `${id} ${name}`).join(", ");

/** The warning for a provider id the catalogue does not hold, or undefined for one it does. */
export function unknownProvider(id: number): string | undefined {
  if (PROVIDER_CATALOGUE.has(id)) return undefined;
  return `provider ${id} is not in the known catalogue (${KNOWN_PROVIDERS}); the API decides`;
}
