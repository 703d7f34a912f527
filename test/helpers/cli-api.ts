// What the CLI tests against the local API server share: a scratch directory for their files, the two
// declarations they compare, and the environment that points the CLI at the server.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOKEN, type Api } from "./api.js";

export function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  return { dir, file };
}

/** Twilio with a secret reference and Jio: one that has something to compare, one that is bare. */
export const TWO_DECLARATIONS =
  "configurations:\n  twilio:\n    name: Twilio\n    provider: 3\n    sipUrl: sip:a.example.com\n    apiKey: ${env:TWILIO_KEY}\n  jio:\n    name: Jio\n    provider: 2\n";

export const apiEnv = (a: Api, extra: Record<string, string> = {}) => ({
  TELEPHONY_API_URL: a.server.url,
  TELEPHONY_API_TOKEN: TOKEN,
  TELEPHONY_ORG_HANDLE: "dev-org",
  TELEPHONY_PRODUCT_ID: "1",
  ...extra,
});
