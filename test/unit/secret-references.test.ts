// ${secret:KEY} and ${env:NAME} hold secrets: a value the stack encrypts, neither empty nor blank. The
// same check wherever the value is known: validate --stack and the stack program (preview and up).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { referenceState } from "../../src/declarations/parse.js";
import type { StackInfo } from "../../src/gitops/stack.js";
import { validateDeclarations } from "../../src/gitops/validate.js";
import { declareConfigurations } from "../../src/stack/program.js";

const PLAIN_VALUE = "plain-value-NOT-TO-SHOW";

/** One folder: a secret the stack keeps in plain text, a blank secret, a blank variable, and a good secret. */
function declarations(): string {
  const dir = mkdtempSync(join(tmpdir(), "secret-references-"));
  writeFileSync(
    join(dir, "telephony.yaml"),
    [
      "configurations:",
      "  a:",
      "    provider: 1",
      "    apiKey: ${secret:plainKey}",
      "    apiSecret: ${secret:blankKey}",
      "  b:",
      "    provider: 2",
      "    apiKey: ${env:BLANK_VARIABLE}",
      "    apiSecret: ${secret:goodKey}",
      "",
    ].join("\n"),
  );
  return dir;
}

const config = { "voice:plainKey": PLAIN_VALUE, "voice:blankKey": " \t", "voice:goodKey": "g00d-secret" };
const secretKeys = ["voice:blankKey", "voice:goodKey"];
const PLAIN =
  "configurations.a.apiKey: ${secret:plainKey}: stack config plainKey is not a secret, its value is in plain text in the stack's config file: pulumi config set --secret plainKey …";
const BLANK_SECRET =
  "configurations.a.apiSecret: ${secret:blankKey}: stack config blankKey is only whitespace; a declared secret needs a value (leave apiSecret out to leave the live one alone)";
const BLANK_VARIABLE =
  "configurations.b.apiKey: ${env:BLANK_VARIABLE}: environment variable BLANK_VARIABLE is only whitespace; a declared secret needs a value (leave apiKey out to leave the live one alone)";

describe("referenceState", () => {
  it.each([
    [undefined, false, "unset"],
    ["", false, "empty"],
    [" \t\n", false, "blank"],
    ["k", false, "set"],
    ["k", true, "plain"],
    [undefined, true, "unset"],
  ] as const)("%j, in plain text: %s, is %s", (value, plainText, state) => {
    expect(referenceState(value, { plainText })).toBe(state);
  });
});

describe("validate --stack", () => {
  const stack: StackInfo = {
    name: "prod",
    dir: "/project",
    config,
    secretKeys: new Set(secretKeys),
    project: "voice",
    stateIds: new Map(),
    otherTypes: [],
  };

  it("refuses a ${secret:…} that is plain in the stack's config and a blank secret, at file:line:col, never showing a value", () => {
    const dir = declarations();
    const result = validateDeclarations([dir], { BLANK_VARIABLE: " " }, stack);
    expect(result.valid).toBe(false);
    expect(result.problems.map((p) => `${p.line}:${p.col} ${p.severity} ${p.message}`)).toEqual([
      `4:13 error ${PLAIN}`,
      `5:16 error ${BLANK_SECRET}`,
      `8:13 error ${BLANK_VARIABLE}`,
    ]);
    expect(JSON.stringify(result.problems)).not.toContain(PLAIN_VALUE);
  });

  it("without a stack, warns about a blank variable only: the stack's secrets are left to the stack", () => {
    const result = validateDeclarations([declarations()], { BLANK_VARIABLE: " " });
    expect(result.problems.map((p) => `${p.severity} ${p.message}`)).toEqual([`warning ${BLANK_VARIABLE}`]);
  });
});

describe("the stack program", () => {
  afterEach(() => {
    delete process.env.BLANK_VARIABLE;
  });

  it("refuses the same, registering nothing, and never shows a value", async () => {
    await pulumi.runtime.setMocks({ newResource: () => ({ id: "1", state: {} }), call: () => ({}) }, "voice", "prod");
    pulumi.runtime.setAllConfig(config, secretKeys);
    process.env.BLANK_VARIABLE = " ";
    const dir = declarations();
    let message = "";
    try {
      declareConfigurations(dir);
    } catch (error) {
      message = (error as Error).message;
    }
    const file = join(dir, "telephony.yaml");
    expect(message).toBe(
      [
        "invalid telephony declarations (nothing was registered):",
        `  ${file}:4:13: ${PLAIN}`,
        `  ${file}:5:16: ${BLANK_SECRET}`,
        `  ${file}:8:13: ${BLANK_VARIABLE}`,
      ].join("\n"),
    );
    expect(message).not.toContain(PLAIN_VALUE);
  });
});
