import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/declarations/declaration.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDeclarations } from "../../src/declarations/load.js";
import { parseDeclarations, type ParseOptions } from "../../src/declarations/parse.js";

const allSet: ParseOptions = { isSet: () => "set", unsetReference: "error" };
const parse = (text: string, options = allSet) => parseDeclarations(text, "telephony.yaml", options);
const messages = (text: string, options = allSet) => parse(text, options).problems.map((p) => formatProblem(p));

describe("parseDeclarations", () => {
  it("reads a full declaration, with defaults for name and active", () => {
    const { declarations, problems } = parse(`
configurations:
  twilio-support:
    provider: 3
    apiKey: \${env:TWILIO_API_KEY}
    apiSecret: \${secret:twilioApiSecret}
    baseUrl: https://api.twilio.com
    sipUrl: sip:support.example.sip.twilio.com
    meta: { region: us-east-1 }
    import: 42
    protect: true
`);
    expect(problems).toEqual([]);
    expect(declarations).toEqual([
      {
        key: "twilio-support",
        file: "telephony.yaml",
        line: 3,
        name: "twilio-support",
        provider: 3,
        active: true,
        apiKey: { kind: "env", name: "TWILIO_API_KEY" },
        apiSecret: { kind: "secret", name: "twilioApiSecret" },
        baseUrl: "https://api.twilio.com",
        sipUrl: "sip:support.example.sip.twilio.com",
        meta: { region: "us-east-1" },
        importId: 42,
        protect: true,
        formerKeys: [],
      },
    ]);
  });

  it.each([
    ["a YAML syntax error", "configurations:\n  a: [1, 2\n", /^telephony\.yaml:3:1: /],
    ["a duplicate key", "configurations:\n  a:\n    provider: 1\n  a:\n    provider: 2\n", /^telephony\.yaml:4:3: Map keys must be unique/],
    ["an unknown field", "configurations:\n  a:\n    provider: 1\n    colour: red\n", /^telephony\.yaml:4:5: configurations\.a\.colour: unknown field$/],
    ["a wrong type", "configurations:\n  a:\n    provider: three\n", /^telephony\.yaml:3:15: configurations\.a\.provider: must be integer$/],
    ["a missing provider", "configurations:\n  a:\n    name: x\n", /^telephony\.yaml:3:5: configurations\.a: missing required field provider$/],
    ["a baseUrl that is not http(s)", "configurations:\n  a:\n    provider: 1\n    baseUrl: ftp://x\n", /4:14: configurations\.a\.baseUrl: must be an http:\/\/ or https:\/\/ URL$/],
    ["a sipUrl that is not sip: or sips:", "configurations:\n  a:\n    provider: 1\n    sipUrl: http://x\n", /4:13: configurations\.a\.sipUrl: must be a sip: or sips: URI$/],
    ["a literal secret", "configurations:\n  a:\n    provider: 1\n    apiKey: sk_live_123\n", /4:13: configurations\.a\.apiKey: must be a secret reference such as \$\{env:NAME\} or \$\{secret:KEY\}, not a literal value$/],
    ["no configurations at all", "things: 1\n", /^telephony\.yaml:1:1: \(document\): unknown field|missing required field configurations/],
    ["a bad logical key", "configurations:\n  -bad:\n    provider: 1\n", /key "-bad" must start with a letter or digit/],
  ])("reports %s with file:line:col", (_name, text, expected) => {
    const found = messages(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((m) => expected.test(m))).toBe(true);
  });

  it("reports every problem at once and declares nothing", () => {
    const result = parse("configurations:\n  a:\n    provider: x\n    apiKey: plain\n  b:\n    provider: 2\n    extra: 1\n");
    expect(result.declarations).toEqual([]);
    expect(result.problems.map((p) => `${p.line}:${p.col}`)).toEqual(["3:15", "4:13", "7:5"]);
  });

  it("says which reference is unset: an error when applying, a warning when validating", () => {
    const text = "configurations:\n  a:\n    provider: 1\n    apiKey: ${env:MISSING_KEY}\n    apiSecret: ${secret:missingSecret}\n";
    const unset: ParseOptions = { isSet: () => "unset", unsetReference: "error" };
    expect(messages(text, unset)).toEqual([
      "telephony.yaml:4:13: configurations.a.apiKey: ${env:MISSING_KEY}: environment variable MISSING_KEY is not set",
      "telephony.yaml:5:16: configurations.a.apiSecret: ${secret:missingSecret}: stack config missingSecret is not set (pulumi config set --secret missingSecret …)",
    ]);
    expect(parse(text, { ...unset, unsetReference: "warning" }).problems.map((p) => p.severity)).toEqual(["warning", "warning"]);
  });
});

describe("loadDeclarations across files", () => {
  const load = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "load-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return loadDeclarations([dir], allSet).problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line} ${p.message}`);
  };

  it("refuses two declarations of exactly the same configuration, whatever the order of meta", () => {
    expect(
      load({
        "a.yaml": "configurations:\n  one:\n    name: Same\n    provider: 3\n    meta: { a: '1', b: '2' }\n",
        "b.yaml": "configurations:\n  two:\n    name: Same\n    provider: 3\n    meta: { b: '2', a: '1' }\n  three:\n    name: Same\n    provider: 3\n    meta: { a: '1', b: '3' }\n",
      }),
    ).toEqual([expect.stringMatching(/^b\.yaml:2 configurations\.two: declares exactly the same configuration as one \(.*a\.yaml:2\)/)]);
  });

  it("takes former keys for renames, but not one that is a current key or another's former key", () => {
    expect(load({ "a.yaml": "configurations:\n  new:\n    provider: 3\n    formerKeys: [old]\n" })).toEqual([]);
    expect(
      load({ "a.yaml": "configurations:\n  new:\n    provider: 3\n    formerKeys: [other]\n  other:\n    provider: 4\n  third:\n    provider: 5\n    formerKeys: [old]\n  fourth:\n    provider: 6\n    formerKeys: [old]\n" }),
    ).toEqual([
      expect.stringMatching(/^a\.yaml:2 configurations\.new: former key other is the key of another one/),
      expect.stringMatching(/^a\.yaml:10 configurations\.fourth: former key old is also a former key of third/),
    ]);
  });
});
