import { stringify } from "yaml";
import type { ProviderConfiguration } from "../client/contract.js";
import { metaMap } from "../provider/mapping.js";

export interface Adoption {
  yaml: string;
  /** Environment variables the declarations refer to, to set before `pulumi up`. */
  variables: string[];
}

const keyFor = (c: ProviderConfiguration) =>
  c.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || `configuration-${c.id}`;
const variableFor = (key: string, field: string) => `${key.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_${field}`;

/**
 * Declarations for live configurations, each with its `import` id and its secrets as `${env:…}`
 * references (never their values), in the YAML format the stack program reads. Pure.
 */
export function adoptionYaml(live: ProviderConfiguration[], schemaPath = "schemas/provider-configurations.schema.json"): Adoption {
  const configurations: Record<string, Record<string, unknown>> = {};
  const variables: string[] = [];
  for (const c of [...live].sort((a, b) => a.id - b.id)) {
    let key = keyFor(c);
    if (configurations[key]) key = `${key}-${c.id}`;
    const entry: Record<string, unknown> = { name: c.name, provider: c.provider };
    if (!c.active) entry.active = false;
    for (const [field, value, suffix] of [
      ["apiKey", c.api_key, "API_KEY"],
      ["apiSecret", c.api_secret, "API_SECRET"],
    ] as const) {
      if (!value) continue;
      const variable = variableFor(key, suffix);
      entry[field] = `\${env:${variable}}`;
      variables.push(variable);
    }
    if (c.base_url) entry.baseUrl = c.base_url;
    if (c.sip_url) entry.sipUrl = c.sip_url;
    const meta = metaMap(c.meta_json);
    if (Object.keys(meta).length) entry.meta = meta;
    entry.import = c.id;
    configurations[key] = entry;
  }
  const header = [
    `# yaml-language-server: $schema=${schemaPath}`,
    "# Written by `telephony-config adopt`. Set these variables to the configurations' secrets before `pulumi up`:",
    ...(variables.length ? variables.map((v) => `#   ${v}`) : ["#   (none)"]),
  ].join("\n");
  return { yaml: `${header}\n${stringify({ configurations }, { lineWidth: 0 })}`, variables };
}
