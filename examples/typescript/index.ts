import * as pulumi from "@pulumi/pulumi";
import { ProviderConfiguration } from "telephony-config";

// Credentials of the telephony API come from stack config (telephony:apiUrl, telephony:apiToken, …)
// or the TELEPHONY_* environment variables; the providers' own secrets from this project's config.
const config = new pulumi.Config();

const support = new ProviderConfiguration("twilio-support", {
  name: "Twilio Support",
  provider: 3,
  apiKey: config.requireSecret("twilioApiKey"),
  apiSecret: config.requireSecret("twilioApiSecret"),
  baseUrl: "https://api.twilio.com",
  sipUrl: "sip:support.example.sip.twilio.com",
  meta: { region: "us-east-1" },
});

const agents = new ProviderConfiguration("livekit-agents", {
  name: "LiveKit Agents",
  provider: 4,
  baseUrl: "https://voice.example.livekit.cloud",
});

export const supportId = support.id;
export const supportProvider = support.providerDetails.apply((details) => details?.name);
export const agentsActive = agents.active;
