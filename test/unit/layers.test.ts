// The layer rule judges where an import leads, however it is spelt.
import { join } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";

// The project's own ESLint configuration: which files the rule covers is part of what is tested.
const eslint = new ESLint({ cwd: REPO });
const problems = async (file: string, code: string) =>
  (await eslint.lintText(code, { filePath: join(REPO, "src", file) }))
    .flatMap((r) => r.messages)
    .filter((m) => m.ruleId === "layers/imports")
    .map((m) => m.message);

describe("the layer rule", () => {
  it.each([
    ["cli/x.ts", 'import { configure } from "../runtime/index.js";'],
    ["cli/x.ts", 'import { configure } from "../server/../runtime/index.js";'],
    ["cli/x.ts", 'import { FIELDS } from "./../model/configuration.js";'],
    ["cli/x.ts", 'const m = () => import("../runtime/index.js");'],
    ["cli/x.ts", "const m = () => import(`../runtime/index.js`);"],
    ["cli/x.ts", 'const m = (name: string) => import("../" + name);'],
    ["cli/x.mts", 'import rt = require("../runtime/index.js");'],
    ["cli/x.ts", 'export * from "../pulumi/resource.js";'],
    ["cli/x.ts", 'import { provider } from "telephony-config/provider-runtime";'],
    ["settings/x.ts", 'import { check } from "../client/../runtime/check.js";'],
    ["server/x.ts", 'import { FIELDS } from "./x/../../model/configuration.js";'],
    ["server/x.ts", 'import { COLLECTION_PATH } from "../client/contract.js";'],
    ["client/x.ts", 'import { FIELDS } from "../model/index.js";'],
    ["gitops/x.ts", 'import { Ledger } from "../runtime/ledger.js";'],
    ["model/x.ts", 'import { TelephonyClient } from "../client/client.js";'],
  ])("refuses %s: %s", async (file, code) => {
    expect(await problems(file, code)).toEqual([
      expect.stringMatching(/may import .* \(CONTRIBUTING\.md, "Layout"\)\. (Not |A dynamic)/),
    ]);
  });

  it.each([
    ["cli/x.ts", 'import { driftReport } from "../gitops/drift.js";'],
    ["server/x.ts", 'import type { Configuration } from "../client/contract.js";'],
    ["server/x.ts", 'import { PROVIDER_CATALOGUE } from "../model/provider-catalogue.js";'],
    ["gitops/x.ts", 'import { configure } from "../runtime/index.js";'],
    ["model/x.ts", 'import type { Configuration } from "../client/contract.js";'],
    ["runtime/x.ts", 'import { toOutputs } from "../model/index.js"; import { ledger } from "./ledger.js";'],
    ["client/x.ts", 'import { Agent } from "undici"; import { x } from "./transport.js";'],
  ])("allows %s: %s", async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
