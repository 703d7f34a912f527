import type { Configuration } from "../../src/client/contract.js";
import type { Declaration } from "../../src/declarations/declaration.js";

/** A live configuration as the API answers it: a Twilio one of dev-org with nothing set, but for `over`. */
export const live = (over: Partial<Configuration> & { id: number; name: string }): Configuration => ({
  provider: 3,
  provider_details: null,
  org_handle: "dev-org",
  meta_json: [],
  active: true,
  api_key: "",
  api_secret: "",
  base_url: null,
  sip_url: "",
  ...over,
});

/** A declaration as the loader gives it, named after its key, in `file` at line 2, but for `over`. */
export const declared = (over: Partial<Declaration> & { key: string }, file = "t.yaml"): Declaration => ({
  file,
  line: 2,
  name: over.key,
  provider: 3,
  active: true,
  protect: false,
  formerKeys: [],
  ...over,
});
