// The provider runtime in-process, configured as a host configures it, against a local API server.
import type { ConfigurationInputs } from "../../src/model/index.js";
import { configure, type ProviderRuntime } from "../../src/runtime/index.js";
import { resolveSettings } from "../../src/settings/settings.js";
import { TOKEN, type Api } from "./api.js";

export const OWNER = { stack: "telephony-config/test", resource: "prod" };

export interface RuntimeUnderTest {
  runtime: ProviderRuntime;
  /** What the runtime said in the operation's output. */
  notices: string[];
}

/** A runtime for one operation on the API at `apiUrl`, organization dev-org unless `config` says otherwise. */
export function runtimeAt(apiUrl: string, config: Record<string, string> = {}): RuntimeUnderTest {
  const values: Record<string, string> = {
    "telephony:apiUrl": apiUrl,
    "telephony:apiToken": TOKEN,
    "telephony:orgHandle": "dev-org",
    "telephony:productId": "1",
    ...config,
  };
  const notices: string[] = [];
  const runtime = configure({
    settings: () => resolveSettings((key) => values[key], {}),
    notice: (message) => void notices.push(message),
    mayWrite: () => undefined,
  });
  return { runtime, notices };
}

/** A declaration of resource `prod`, as the resource class passes it. */
export const declared = (fields: Partial<ConfigurationInputs> = {}): ConfigurationInputs => ({
  name: "Prod",
  provider: 3,
  active: true,
  meta: {},
  owner: OWNER,
  ...fields,
});

/** The requests that could change something at the API: all but GETs. */
export const writes = (api: Api) => api.server.requests.filter((r) => r.method !== "GET");
