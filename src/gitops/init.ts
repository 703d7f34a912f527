// What `telephony-config init` writes: a stack repository of the user's own, with the package's
// declarations program (javascript) or as a Pulumi YAML program (yaml). Pure: a plan of files.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { packageVersion } from "../client/version.js";
import { declaredSpec } from "./install-spec.js";
import { PLUGIN_NAME } from "./plugin.js";

/** Where a project that depends on telephony-config finds its plugin (Pulumi.yaml's plugins: path). */
export const YAML_PLUGIN_PATH = "node_modules/telephony-config/plugin";

/** The scaffolds, the default first. */
export const INIT_LANGUAGES = ["javascript", "yaml"] as const;
export type InitLanguage = (typeof INIT_LANGUAGES)[number];

export interface InitOptions {
  /** The project's name, for package.json and Pulumi.yaml. */
  name: string;
  /**
   * javascript: Pulumi's Node.js runtime runs the package's program (index.js) over declarations in
   * telephony/. yaml: a Pulumi YAML program of telephony:ProviderConfiguration resources, served by the
   * package's native plugin.
   */
  language: InitLanguage;
  /** The CI workflow (javascript only: it validates telephony/ and reports drift of declarations). */
  ci: "github" | "gitlab";
  orgHandle?: string | undefined;
  apiUrl?: string | undefined;
  /** How package.json depends on telephony-config (default `^` this version, from a registry). */
  telephonyConfigSpec?: string | undefined;
}

export interface InitPlan {
  /** Relative path → content, in the order they are written. */
  files: Array<[string, string]>;
  /** The commands to run next, in order. */
  next: string[];
  /** The files holding the user's declarations: an existing one is kept, even with --force. */
  userFiles: string[];
  /** package.json's dependencies: name → spec. */
  dependencies: Record<string, string>;
}

// By self-reference, so that src/ (tests) and dist/src/ (the package) find the same files.
const packageJsonPath = createRequire(import.meta.url).resolve("telephony-config/package.json");
// The package's own Pulumi SDK: the version it is built and tested with.
const PULUMI_SDK = (JSON.parse(readFileSync(packageJsonPath, "utf8")) as { dependencies: Record<string, string> })
  .dependencies["@pulumi/pulumi"]!;
const ciTemplate = (file: string) => readFileSync(join(dirname(packageJsonPath), "examples/ci", file), "utf8");

const PROVIDER_IDS = "1 Airtel, 2 Jio, 3 Twilio, 4 LiveKit, 5 Daily, 6 Vapi, 58 Vodafone, 66 VI";

const EXAMPLE = `# yaml-language-server: $schema=../node_modules/telephony-config/schemas/provider-configurations.schema.json
# Telephony provider configurations, one per key; the key is the resource's stable name (rename it with
# formerKeys: [old-key]). The format: node_modules/telephony-config/schemas/provider-configurations.schema.json
configurations:
  twilio-support:
    name: Twilio Support
    provider: 3                      # ${PROVIDER_IDS}
    sipUrl: sip:support.example.sip.twilio.com
    meta: { team: support }          # changing meta replaces the configuration
    # Secrets only as references; one left out is not managed (the live value stays as it is):
    # apiKey: \${env:TWILIO_API_KEY}
    # apiSecret: \${secret:twilioApiSecret}   # pulumi config set --secret twilioApiSecret < file
    # Adopt a configuration that exists already, by its id, instead of creating one:
    # import: 42
`;

/** The example resource of the YAML scaffold: its secrets are the stack's secret config, declared in `config:`. */
const yamlProgram = (name: string) => `name: ${JSON.stringify(name)}
description: Telephony provider configurations as code (telephony-config), as a Pulumi YAML program.
runtime: yaml
# The provider telephony is the native plugin of the npm package telephony-config, at the version
# package-lock.json pins: npm install brings it, and Pulumi runs it from node_modules.
plugins:
  providers:
    - name: ${PLUGIN_NAME}
      path: ${YAML_PLUGIN_PATH}
# The API's settings are the provider's stack config: telephony:apiUrl, telephony:orgHandle,
# telephony:productId and the secret telephony:apiToken. Below, the example's secrets, declared secret:
# Pulumi refuses a value not set with pulumi config set --secret.
config:
  twilioApiKey: # the Twilio account's API key
    type: string
    secret: true
  twilioApiSecret: # the Twilio account's API secret
    type: string
    secret: true
resources:
  # One resource per configuration; its name (twilio-support) is its stable name in the stack.
  # Its properties: node_modules/telephony-config/plugin/schema.json (resource telephony:index:ProviderConfiguration).
  twilio-support:
    type: telephony:ProviderConfiguration
    properties:
      name: Twilio Support
      provider: 3 # ${PROVIDER_IDS}
      sipUrl: sip:support.example.sip.twilio.com
      # Leave a secret out to leave the live value as it is: an undeclared secret is not managed.
      apiKey: \${twilioApiKey}
      apiSecret: \${twilioApiSecret}
      meta:
        team: support # changing meta replaces the configuration
      # Adopt a configuration that exists already, by its id, instead of creating one:
      # importId: 42
outputs:
  twilioSupportId: \${twilio-support.id}
`;

const GITIGNORE =
  "node_modules/\n*.log\n# Never commit a token: keep it outside the repository.\ntoken.txt\n*.token\n# The files init --kubernetes makes its Secrets from.\n*.apiToken\n*.passphrase\n*.pulumiAccessToken\n";

/** The files of a new stack repository and the commands to run next. */
export function initPlan(options: InitOptions): InitPlan {
  // Pulumi takes up to 100 characters; npm wants lowercase.
  const name =
    options.name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[-._]+|[-._]+$/g, "")
      .slice(0, 100) || "telephony";
  // Shell-quoted where a value came from the command line.
  const quote = (value: string) =>
    /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
  const stackSetup = [
    "pulumi login --local          # or the backend your team uses (CI needs the same one)",
    "pulumi stack init prod",
    `pulumi config set telephony:apiUrl ${quote(options.apiUrl ?? "https://unpod.dev")}`,
    `pulumi config set telephony:orgHandle ${options.orgHandle ? quote(options.orgHandle) : "YOUR_ORG_HANDLE"}`,
    "pulumi config set telephony:productId YOUR_PRODUCT_ID",
    "pulumi config set --secret telephony:apiToken < ~/.telephony-token   # from a file outside the repository, not the command line",
  ];
  const packageJson = (dependencies: Record<string, string>, extra: Record<string, unknown> = {}) =>
    `${JSON.stringify({ name, private: true, ...extra, engines: { node: ">=22.12.0" }, dependencies }, null, 2)}\n`;
  const telephonyConfig = options.telephonyConfigSpec ?? `^${packageVersion}`;

  if (options.language === "yaml") {
    return {
      files: [
        // Only for the plugin: a Pulumi YAML program needs no SDK.
        ["package.json", packageJson({ "telephony-config": telephonyConfig })],
        ["Pulumi.yaml", yamlProgram(name)],
        [".gitignore", GITIGNORE],
      ],
      next: [
        "npm install                   # brings telephony-config, whose plugin Pulumi.yaml names",
        ...stackSetup,
        "pulumi config set --secret twilioApiKey < ~/.twilio-api-key         # the example's secrets, declared in Pulumi.yaml",
        "pulumi config set --secret twilioApiSecret < ~/.twilio-api-secret",
        "pulumi preview",
        "pulumi up",
      ],
      userFiles: ["Pulumi.yaml"],
      dependencies: { "telephony-config": telephonyConfig },
    };
  }
  const dependencies = { "@pulumi/pulumi": PULUMI_SDK, "telephony-config": telephonyConfig };
  return {
    files: [
      ["package.json", packageJson(dependencies, { type: "module" })],
      [
        "Pulumi.yaml",
        [
          `name: ${JSON.stringify(name)}`,
          "description: Telephony provider configurations as code (telephony-config).",
          "runtime:",
          "  name: nodejs",
          "  options:",
          "    typescript: false",
          "main: index.js",
          "",
        ].join("\n"),
      ],
      [
        "index.js",
        '// The YAML program: declarations from the stack config telephony:declarations (default ./telephony).\nexport { configurations } from "telephony-config/stack";\n',
      ],
      ["telephony/main.yaml", EXAMPLE],
      [".gitignore", GITIGNORE],
      options.ci === "gitlab"
        ? [".gitlab-ci.yml", ciTemplate("gitlab-ci.yml")]
        : [".github/workflows/telephony.yml", ciTemplate("github-actions.yml")],
    ],
    next: ["npm install", ...stackSetup, "npx telephony-config validate telephony/", "pulumi up"],
    userFiles: ["telephony/main.yaml"],
    dependencies,
  };
}

/**
 * An existing .gitignore keeps every line it has (what it ignores may be a secret: `.env`, `secrets/`) and
 * gains the lines of ours it lacks, at its end.
 */
export function mergeGitignore(existing: string, ours: string): { text: string; added: string[] } {
  const present = new Set(existing.split(/\r?\n/).map((line) => line.trim()));
  const added = ours.split("\n").filter((line) => line.trim() && !line.startsWith("#") && !present.has(line.trim()));
  if (!added.length) return { text: existing, added };
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  return { text: `${existing}${separator}# telephony-config\n${added.join("\n")}\n`, added };
}

export interface MergedPackageJson {
  text: string;
  /** The dependencies it gained, as `name spec`. */
  added: string[];
  /** The dependencies the project needs that it had already, as `name spec`: their specs are the user's. */
  kept: string[];
}

/**
 * An existing package.json keeps everything it has, the spec of every dependency among it (a tarball's
 * `file:` path, a private registry's range, a pinned @pulumi/pulumi): it only gains the dependencies the
 * project lacks, and `type` and `engines` where it has none.
 */
export function mergePackageJson(existing: Record<string, unknown>, plan: InitPlan): MergedPackageJson {
  const planned = JSON.parse(plan.files.find(([path]) => path === "package.json")![1]) as Record<string, unknown>;
  const added: string[] = [];
  const kept: string[] = [];
  const dependencies = { ...(existing.dependencies as Record<string, string> | undefined) };
  for (const [name, spec] of Object.entries(plan.dependencies)) {
    const theirs = declaredSpec(existing, name);
    if (theirs === undefined) {
      dependencies[name] = spec;
      added.push(`${name} ${spec}`);
    } else kept.push(`${name} ${theirs}`);
  }
  const merged = {
    ...existing,
    type: existing.type ?? planned.type,
    engines: existing.engines ?? planned.engines,
    dependencies,
  };
  return { text: `${JSON.stringify(merged, null, 2)}\n`, added, kept };
}
