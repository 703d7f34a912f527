// The layer rule judges where an import leads, however it is spelt.
import { join } from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { layersRule } from "../../eslint.layers.js";
import { REPO } from "../helpers/project.js";

const linter = new Linter({ configType: "flat" });
const config = [
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { layers: { rules: { imports: layersRule } } },
    rules: { "layers/imports": "error" as const },
  },
];
const problems = (file: string, code: string) =>
  linter.verify(code, config, { filename: join(REPO, "src", file) }).map((m) => m.message);

describe("the layer rule", () => {
  it.each([
    ["cli/x.ts", 'import { configure } from "../runtime/index.js";'],
    ["cli/x.ts", 'import { configure } from "../server/../runtime/index.js";'],
    ["cli/x.ts", 'import { FIELDS } from "./../model/configuration.js";'],
    ["cli/x.ts", 'const m = () => import("../runtime/index.js");'],
    ["cli/x.ts", 'export * from "../pulumi/resource.js";'],
    ["cli/x.ts", 'import { provider } from "telephony-config/provider-runtime";'],
    ["settings/x.ts", 'import { check } from "../client/../runtime/check.js";'],
    ["server/x.ts", 'import { FIELDS } from "./x/../../model/configuration.js";'],
    ["server/x.ts", 'import { COLLECTION_PATH } from "../client/contract.js";'],
    ["client/x.ts", 'import { FIELDS } from "../model/index.js";'],
    ["gitops/x.ts", 'import { Ledger } from "../runtime/ledger.js";'],
    ["model/x.ts", 'import { TelephonyClient } from "../client/client.js";'],
  ])("refuses %s: %s", (file, code) => {
    expect(problems(file, code)).toEqual([
      expect.stringMatching(/may import .* \(CONTRIBUTING\.md, "Layout"\)\. Not /),
    ]);
  });

  it.each([
    ["cli/x.ts", 'import { driftReport } from "../gitops/drift.js";'],
    ["server/x.ts", 'import type { Configuration } from "../client/contract.js";'],
    ["gitops/x.ts", 'import { configure } from "../runtime/index.js";'],
    ["model/x.ts", 'import type { Configuration } from "../client/contract.js";'],
    ["runtime/x.ts", 'import { toOutputs } from "../model/index.js"; import { ledger } from "./ledger.js";'],
    ["client/x.ts", 'import { Agent } from "undici"; import { x } from "./transport.js";'],
  ])("allows %s: %s", (file, code) => {
    expect(problems(file, code)).toEqual([]);
  });
});
