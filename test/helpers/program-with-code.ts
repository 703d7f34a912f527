import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One configuration a program declares in code (its secret from the project's config). */
export const CODE_MADE =
  'new ProviderConfiguration("code-made", { name: "Code Made", provider: 4, apiSecret: config.requireSecret("livekitApiSecret"), sipUrl: "sip:code.example.com" });';

/**
 * The project in `dir` made a TypeScript-style program of the user's own: `yaml` as telephony/main.yaml,
 * exported as the package's program exports its declarations, and `code` (statements) beside them.
 */
export function programWithCode(dir: string, yaml: string, code: string[] = [CODE_MADE]): void {
  mkdirSync(join(dir, "telephony"), { recursive: true });
  writeFileSync(join(dir, "telephony/main.yaml"), yaml);
  writeFileSync(
    join(dir, "index.js"),
    [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { declareConfigurations, ProviderConfiguration } from "telephony-config";',
      'export const configurations = declareConfigurations("telephony");',
      "const config = new pulumi.Config();",
      ...code,
      "",
    ].join("\n"),
  );
  const pulumiYaml = join(dir, "Pulumi.yaml");
  writeFileSync(
    pulumiYaml,
    readFileSync(pulumiYaml, "utf8").replace("main: dist/src/stack/index.js", "main: index.js"),
  );
}
