import { stringify } from "yaml";
import type { ProviderConfiguration } from "../client/contract.js";
import { metaMap } from "../provider/mapping.js";

export interface Adoption {
  yaml: string;
  /** Environment variables the declarations refer to, to set before `pulumi up`. */
  variables: string[];
  /** How many configurations the YAML declares: one per live configuration. */
  count: number;
}

/**
 * A key the schema accepts for any name: ASCII letters, digits and dashes, starting with a letter
 * (accents dropped, anything else a dash), so that its environment variable names are valid too.
 */
function baseKey(c: ProviderConfiguration): string {
  const slug = c.name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!slug) return `configuration-${c.id}`;
  return /^[a-z]/.test(slug) ? slug : `cfg-${slug}`;
}

/** Keys are unique at any depth: "x", "x-7" and a second "x" whose id is 7 each get their own. */
function uniqueKey(base: string, id: number, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let key = `${base}-${id}`;
  for (let n = 2; taken.has(key); n++) key = `${base}-${id}-${n}`;
  return key;
}

// Keys are [a-z0-9-] starting with a letter, so this is one-to-one and a valid variable name.
const variableFor = (key: string, field: string) => `${key.toUpperCase().replaceAll("-", "_")}_${field}`;

/**
 * Declarations for live configurations, each with its `import` id and its secrets as `${env:…}`
 * references (never their values), in the YAML format the stack program reads. Pure.
 */
export function adoptionYaml(live: ProviderConfiguration[], schemaPath = "schemas/provider-configurations.schema.json"): Adoption {
  const configurations: Record<string, Record<string, unknown>> = {};
  const variables: string[] = [];
  const taken = new Set<string>();
  for (const c of [...live].sort((a, b) => a.id - b.id)) {
    const key = uniqueKey(baseKey(c), c.id, taken);
    taken.add(key);
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
  return { yaml: `${header}\n${stringify({ configurations }, { lineWidth: 0 })}`, variables, count: Object.keys(configurations).length };
}
