import type { ProviderDetails } from "../client/contract.js";

// A small copy of the vendor's provider catalogue (api/openapi.yaml lists these ids).
export const PROVIDER_CATALOGUE: ReadonlyMap<number, ProviderDetails> = new Map(
  (
    [
      [1, "Airtel", "Airtel telephony"],
      [2, "Jio", "Jio telephony"],
      [3, "Twilio", "Twilio programmable voice"],
      [4, "LiveKit", "LiveKit voice infrastructure"],
      [5, "Daily", "Daily voice infrastructure"],
      [6, "Vapi", "Vapi voice infrastructure"],
      [58, "Vodafone", "Vodafone telephony"],
      [66, "VI", "Vodafone Idea telephony"],
    ] as const
  ).map(([id, name, description]) => [
    id,
    { id, name, description, icon: `https://unpod.dev/static/providers/${name.toLowerCase()}.svg` },
  ]),
);
