import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDeclarations } from "../../src/gitops/validate.js";
import { renderValidation, validationJson } from "../../src/gitops/validate-report.js";

const dir = mkdtempSync(join(tmpdir(), "validate-report-"));
let n = 0;
/** The declarations in a file of their own, validated without a stack. */
const validated = (yaml: string, env: Record<string, string> = {}, strict = false) => {
  const file = join(dir, `t${n++}.yaml`);
  writeFileSync(file, `configurations:\n${yaml}`);
  const result = validateDeclarations([file], env, undefined, { strict });
  return { file, result, text: renderValidation(result, { strict }).replaceAll(file, "t.yaml") };
};

describe("validate without --stack: what only a stack resolves is counted, one line per kind", () => {
  it.each<[string, string, Record<string, string>, string]>([
    [
      "${config:…} and ${stack} share one line, with the keys named",
      "  a:\n    name: A (${stack})\n    provider: 3\n    sipUrl: sip:a@${config:sipDomain}\n" +
        "  b:\n    name: B ${stack}\n    provider: 3\n    baseUrl: ${config:base}\n    meta: { env: '${stack}', d: '${config:sipDomain}' }\n",
      {},
      "warning: 3 ${config:…} references (base, sipDomain) and 3 ${stack} are resolved only with --stack NAME (as the stack's program resolves them)\n" +
        "valid: 2 configurations, 1 warning\n",
    ],
    [
      "one ${stack} alone",
      "  a:\n    name: A (${stack})\n    provider: 3\n",
      {},
      "warning: 1 ${stack} is resolved only with --stack NAME (as the stack's program resolves them)\n" +
        "valid: 1 configuration, 1 warning\n",
    ],
    [
      "variables without a value here, unset or empty, named once each",
      "  a:\n    provider: 3\n    apiKey: ${env:B_KEY}\n    apiSecret: ${env:A_SECRET}\n  b:\n    provider: 4\n    apiKey: ${env:B_KEY}\n",
      { A_SECRET: "" },
      "warning: 3 ${env:…} references to variables without a value here (A_SECRET, B_KEY): set them where pulumi up runs\n" +
        "valid: 2 configurations, 1 warning\n",
    ],
    [
      "a merged fragment counts once per configuration it is merged into",
      "  a: &x\n    provider: 3\n    apiKey: ${env:K}\n    sipUrl: sip:${config:d}\n  b:\n    <<: *x\n    name: B\n",
      {},
      "warning: 2 ${config:…} references (d) are resolved only with --stack NAME (as the stack's program resolves them)\n" +
        "warning: 2 ${env:…} references to a variable without a value here (K): set it where pulumi up runs\n" +
        "valid: 2 configurations, 2 warnings\n",
    ],
    [
      "a set variable is nothing to say",
      "  a:\n    provider: 3\n    apiKey: ${env:K}\n",
      { K: "value" },
      "valid: 1 configuration, 0 warnings\n",
    ],
  ])("%s", (_name, yaml, env, expected) => {
    expect(validated(yaml, env).text).toBe(expected);
  });

  it("keeps real problems one per use, at their place: errors and other warnings", () => {
    const { text, result } = validated(
      "  a:\n    name: A ${vault:x}\n    provider: 3\n    sipUrl: sip:${config:d}\n" +
        "  b:\n    name: Same\n    provider: 3\n    apiKey: ${env:K}\n  c:\n    name: Same\n    provider: 3\n    sipUrl: sip:c\n",
    );
    expect(text.split("\n")).toEqual([
      expect.stringMatching(/^t\.yaml:3:13: error: configurations\.a\.name: .*\$\{vault:x\}/),
      't.yaml:10:3: warning: configurations.c: same name "Same" and provider 3 as b (t.yaml:6); drift matches by name',
      "warning: 1 ${config:…} reference (d) is resolved only with --stack NAME (as the stack's program resolves them)",
      "warning: 1 ${env:…} reference to a variable without a value here (K): set it where pulumi up runs",
      "invalid: 1 error",
      "",
    ]);
    expect(result.valid).toBe(false);
  });

  it("--strict: the same lines as errors, exit-worthy", () => {
    const { text, result } = validated(
      "  a:\n    name: A (${stack})\n    provider: 3\n    apiKey: ${env:K}\n",
      {},
      true,
    );
    expect(text).toBe(
      "error: 1 ${stack} is resolved only with --stack NAME (as the stack's program resolves them)\n" +
        "error: 1 ${env:…} reference to a variable without a value here (K): set it where pulumi up runs\n" +
        "invalid: 2 errors (--strict: warnings are errors)\n",
    );
    expect(result.valid).toBe(false);
    expect(validated("  a:\n    provider: 3\n", {}, true).text).toBe("valid: 1 configuration, 0 warnings\n");
  });

  it("--json keeps every problem, one per use, says which are unresolved references, and counts them", () => {
    const { file, result } = validated("  a:\n    name: A (${stack})\n    provider: 3\n    apiKey: ${env:K}\n");
    expect(JSON.parse(JSON.stringify(validationJson(result)))).toEqual({
      valid: true,
      strict: false,
      configurations: 1,
      problems: [
        {
          file,
          line: 3,
          col: 14,
          severity: "warning",
          message: "configurations.a.name: ${stack} is resolved per stack: give --stack NAME to resolve it",
          reference: "stack",
        },
        {
          file,
          line: 5,
          col: 13,
          severity: "warning",
          message: "configurations.a.apiKey: ${env:K}: environment variable K is not set",
          reference: "env",
        },
      ],
      unresolved: [
        { kind: "stack", uses: 1, names: [] },
        { kind: "env", uses: 1, names: ["K"] },
      ],
    });
  });
});
