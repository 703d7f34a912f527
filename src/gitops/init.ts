// What `telephony-config init` writes: a stack repository of the user's own. Pure: a plan of files.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { packageVersion } from "../client/version.js";

export interface InitOptions {
  /** The project's name, for package.json and Pulumi.yaml. */
  name: string;
  ci: "github" | "gitlab";
  orgHandle?: string | undefined;
  apiUrl?: string | undefined;
}

export interface InitPlan {
  /** Relative path → content, in the order they are written. */
  files: Array<[string, string]>;
  /** The commands to run next, in order. */
  next: string[];
}

// By self-reference, so that src/ (tests) and dist/src/ (the package) find the same files.
const packageJsonPath = createRequire(import.meta.url).resolve("telephony-config/package.json");
// The package's own Pulumi SDK: the version it is built and tested with.
const PULUMI_SDK = (JSON.parse(readFileSync(packageJsonPath, "utf8")) as { dependencies: Record<string, string> })
  .dependencies["@pulumi/pulumi"]!;
const ciTemplate = (file: string) => readFileSync(join(dirname(packageJsonPath), "examples/ci", file), "utf8");

const EXAMPLE = `# yaml-language-server: $schema=../node_modules/telephony-config/schemas/provider-configurations.schema.json
# Telephony provider configurations, one per key; the key is the resource's stable name (rename it with
# formerKeys: [old-key]). The format: node_modules/telephony-config/schemas/provider-configurations.schema.json
configurations:
  twilio-support:
    name: Twilio Support
    provider: 3                      # 1 Airtel, 2 Jio, 3 Twilio, 4 LiveKit, 5 Daily, 6 Vapi, 58 Vodafone, 66 VI
    sipUrl: sip:support.example.sip.twilio.com
    meta: { team: support }          # changing meta replaces the configuration
    # Secrets only as references; one left out is not managed (the live value stays as it is):
    # apiKey: \${env:TWILIO_API_KEY}
    # apiSecret: \${secret:twilioApiSecret}   # pulumi config set --secret twilioApiSecret < file
    # Adopt a configuration that exists already, by its id, instead of creating one:
    # import: 42
`;

/** The files of a new stack repository and the commands to run next. */
export function initPlan(options: InitOptions): InitPlan {
  // Pulumi takes up to 100 characters; npm wants lowercase.
  const name =
    options.name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[-._]+|[-._]+$/g, "")
      .slice(0, 100) || "telephony";
  const packageJson = {
    name,
    private: true,
    type: "module",
    engines: { node: ">=22.12.0" },
    dependencies: { "@pulumi/pulumi": PULUMI_SDK, "telephony-config": `^${packageVersion}` },
  };
  const files: Array<[string, string]> = [
    ["package.json", `${JSON.stringify(packageJson, null, 2)}\n`],
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
    [
      ".gitignore",
      "node_modules/\n*.log\n# Never commit a token: keep it outside the repository.\ntoken.txt\n*.token\n",
    ],
    options.ci === "gitlab"
      ? [".gitlab-ci.yml", ciTemplate("gitlab-ci.yml")]
      : [".github/workflows/telephony.yml", ciTemplate("github-actions.yml")],
  ];
  // Shell-quoted where a value came from the command line.
  const quote = (value: string) =>
    /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
  const next = [
    "npm install",
    "pulumi login --local          # or the backend your team uses (CI needs the same one)",
    "pulumi stack init prod",
    `pulumi config set telephony:apiUrl ${quote(options.apiUrl ?? "https://unpod.dev")}`,
    `pulumi config set telephony:orgHandle ${options.orgHandle ? quote(options.orgHandle) : "YOUR_ORG_HANDLE"}`,
    "pulumi config set telephony:productId YOUR_PRODUCT_ID",
    "pulumi config set --secret telephony:apiToken < ~/.telephony-token   # from a file outside the repository, not the command line",
    "npx telephony-config validate telephony/",
    "pulumi up",
  ];
  return { files, next };
}
