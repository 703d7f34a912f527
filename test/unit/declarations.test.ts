import { readdirSync, readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { validateDeclarationsFile } from "../../src/model/schema.js";
import { formatProblem, type ReferenceState } from "../../src/declarations/declaration.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { REPO } from "../helpers/project.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configuredPaths, loadDeclarations } from "../../src/declarations/load.js";
import type { StackValues } from "../../src/declarations/interpolate.js";
import { MAX_EXPANSION, parseDeclarations, type ParseOptions } from "../../src/declarations/parse.js";
import { closest, editDistance } from "../../src/declarations/suggest.js";

const allSet: ParseOptions = { isSet: () => "set", unsetReference: "error", unresolved: "error" };
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
    [
      "a duplicate key",
      "configurations:\n  a:\n    provider: 1\n  a:\n    provider: 2\n",
      /^telephony\.yaml:4:3: duplicate key "a" \(first at line 2\)$/,
    ],
    [
      "an unknown field",
      "configurations:\n  a:\n    provider: 1\n    colour: red\n",
      /^telephony\.yaml:4:5: configurations\.a\.colour: unknown field$/,
    ],
    [
      "a wrong type",
      "configurations:\n  a:\n    provider: three\n",
      /^telephony\.yaml:3:15: configurations\.a\.provider: must be integer$/,
    ],
    [
      "a missing provider",
      "configurations:\n  a:\n    name: x\n",
      /^telephony\.yaml:3:5: configurations\.a: missing required field provider$/,
    ],
    [
      "a baseUrl that is not http(s)",
      "configurations:\n  a:\n    provider: 1\n    baseUrl: ftp://x\n",
      /4:14: configurations\.a\.baseUrl: must be an http:\/\/ or https:\/\/ URL$/,
    ],
    [
      "a sipUrl that is not sip: or sips:",
      "configurations:\n  a:\n    provider: 1\n    sipUrl: http://x\n",
      /4:13: configurations\.a\.sipUrl: must be a sip: or sips: URI$/,
    ],
    [
      "a literal secret",
      "configurations:\n  a:\n    provider: 1\n    apiKey: sk_live_123\n",
      /4:13: configurations\.a\.apiKey: must be a secret reference such as \$\{env:NAME\} or \$\{secret:KEY\}, not a literal value$/,
    ],
    [
      "no configurations at all",
      "things: 1\n",
      /^telephony\.yaml:1:1: \(document\): unknown field|missing required field configurations/,
    ],
    [
      "a bad logical key",
      "configurations:\n  -bad:\n    provider: 1\n",
      /key "-bad" must start with a letter or digit/,
    ],
  ])("reports %s with file:line:col", (_name, text, expected) => {
    const found = messages(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((m) => expected.test(m))).toBe(true);
  });

  it("reports every problem at once and declares nothing", () => {
    const result = parse(
      "configurations:\n  a:\n    provider: x\n    apiKey: plain\n  b:\n    provider: 2\n    extra: 1\n",
    );
    expect(result.declarations).toEqual([]);
    expect(result.problems.map((p) => `${p.line}:${p.col}`)).toEqual(["3:15", "4:13", "7:5"]);
  });

  it("says which reference is unset: an error when applying, a warning when validating", () => {
    const text =
      "configurations:\n  a:\n    provider: 1\n    apiKey: ${env:MISSING_KEY}\n    apiSecret: ${secret:missingSecret}\n";
    const unset: ParseOptions = { isSet: () => "unset", unsetReference: "error", unresolved: "error" };
    expect(messages(text, unset)).toEqual([
      "telephony.yaml:4:13: configurations.a.apiKey: ${env:MISSING_KEY}: environment variable MISSING_KEY is not set",
      "telephony.yaml:5:16: configurations.a.apiSecret: ${secret:missingSecret}: stack config missingSecret is not set (pulumi config set --secret missingSecret …)",
    ]);
    expect(parse(text, { ...unset, unsetReference: "warning" }).problems.map((p) => p.severity)).toEqual([
      "warning",
      "warning",
    ]);
  });

  it("refuses a ${secret:…} the stack keeps in plain text, and a blank value, naming the key and where", () => {
    const text =
      "configurations:\n  a:\n    provider: 1\n    apiKey: ${secret:plainKey}\n    apiSecret: ${env:BLANK}\n";
    const states: Record<string, ReferenceState> = { plainKey: "plain", BLANK: "blank" };
    expect(messages(text, { ...allSet, isSet: (ref) => states[ref.name]! })).toEqual([
      "telephony.yaml:4:13: configurations.a.apiKey: ${secret:plainKey}: stack config plainKey is not a secret, its value is in plain text in the stack's config file: pulumi config set --secret plainKey …",
      "telephony.yaml:5:16: configurations.a.apiSecret: ${env:BLANK}: environment variable BLANK is only whitespace; a declared secret needs a value (leave apiSecret out to leave the live one alone)",
    ]);
  });
});

describe("YAML as people write it", () => {
  it("takes anchors, aliases and merge keys, with fragments under top-level x- keys", () => {
    const { declarations, problems } = parse(`
x-defaults: &defaults
  provider: 3
  active: false
  meta: &meta { team: voice }
x-url: &url https://api.twilio.com
configurations:
  support:
    <<: *defaults
    name: Support
  sales:
    <<: [*defaults]
    active: true
    baseUrl: *url
    meta: *meta
`);
    expect(problems).toEqual([]);
    expect(
      declarations.map(({ key, provider, active, baseUrl, meta, line }) => ({
        key,
        provider,
        active,
        baseUrl,
        meta,
        line,
      })),
    ).toEqual([
      { key: "support", provider: 3, active: false, baseUrl: undefined, meta: { team: "voice" }, line: 8 },
      { key: "sales", provider: 3, active: true, baseUrl: "https://api.twilio.com", meta: { team: "voice" }, line: 11 },
    ]);
  });

  it("points an error in a merged value at the line where it is written, and says where it was merged", () => {
    const text =
      "x-base: &base\n  provider: three\n  sipUrl: http://x\nconfigurations:\n  a:\n    <<: *base\n  b:\n    name: B\n    <<: *base\n";
    expect(messages(text)).toEqual([
      "telephony.yaml:2:13: configurations.a.provider: must be integer (merged at line 6)",
      "telephony.yaml:3:11: configurations.a.sipUrl: must be a sip: or sips: URI (merged at line 6)",
      "telephony.yaml:2:13: configurations.b.provider: must be integer (merged at line 9)",
      "telephony.yaml:3:11: configurations.b.sipUrl: must be a sip: or sips: URI (merged at line 9)",
    ]);
    expect(messages("x-p: &p nine\nconfigurations:\n  a:\n    provider: *p\n")).toEqual([
      "telephony.yaml:1:9: configurations.a.provider: must be integer (through the alias at line 4)",
    ]);
  });

  it("refuses a top-level key that is neither configurations nor an x- fragment, and says where fragments go", () => {
    expect(messages("defaults: {provider: 1}\nconfigurations: {}\n")).toEqual([
      "telephony.yaml:1:1: defaults: unknown field (fragments go under keys that start with x-)",
    ]);
    expect(messages("configurations:\n  a:\n    provider: 1\n    x-note: hi\n")).toEqual([
      "telephony.yaml:4:5: configurations.a.x-note: unknown field",
    ]);
  });

  it("names a key written twice in one mapping, and the line of the first", () => {
    expect(messages("configurations:\n  a:\n    provider: 1\n    name: A\n    name: B\n")).toEqual([
      'telephony.yaml:5:5: duplicate key "name" (first at line 4)',
    ]);
    expect(messages("configurations:\n  a: { provider: 1, provider: 2 }\n")).toEqual([
      'telephony.yaml:2:21: duplicate key "provider" (first at line 2)',
    ]);
    // Keys of two mappings, or a key and its quoted number, are no duplicates.
    expect(messages("configurations:\n  a: { provider: 1 }\n  b: { provider: 2 }\n")).toEqual([]);
  });

  it("reads each document of a file, with lines counted over the whole file", () => {
    const { declarations, problems } = parse(
      "configurations:\n  a:\n    provider: 1\n---\n# nothing here\n---\nconfigurations:\n  b:\n    provider: two\n  c:\n    provider: 3\n",
    );
    expect(declarations.map((d) => d.key)).toEqual(["a"]);
    expect(problems.map((p) => formatProblem(p))).toEqual([
      "telephony.yaml:9:15: configurations.b.provider: must be integer",
    ]);
    const two = parse("configurations:\n  a:\n    provider: 1\n---\nconfigurations:\n  b:\n    provider: 2\n");
    expect(two.declarations.map((d) => [d.key, d.line])).toEqual([
      ["a", 2],
      ["b", 6],
    ]);
  });

  it("keeps anchors to their document, and merges mappings only", () => {
    expect(
      messages("x-a: &a {provider: 1}\nconfigurations: {}\n---\nconfigurations:\n  b:\n    <<: *a\n    name: *n\n"),
    ).toEqual([
      "telephony.yaml:6:9: *a: no anchor &a before it in this document (an anchor does not reach past ---)",
      "telephony.yaml:7:11: *n: no anchor &n before it in this document (an anchor does not reach past ---)",
    ]);
    expect(messages("x-a: &a [1]\nconfigurations:\n  b:\n    <<: [*a, {provider: 1}, 3]\n")).toEqual([
      "telephony.yaml:4:10: << merges mappings only: a mapping, an alias of one, or a list of those",
      "telephony.yaml:4:29: << merges mappings only: a mapping, an alias of one, or a list of those",
    ]);
  });

  it.each([
    ["an empty file", ""],
    ["a file of comments", "# to do\n"],
    ["a file of empty documents", "---\n---\n"],
  ])("says %s is empty", (_what, text) => {
    expect(messages(text)).toEqual(["telephony.yaml:1:1: empty file: declare configurations in it, or remove it"]);
  });

  it.each([
    ["a list", "- provider: 1\n"],
    ["a scalar", "configurations\n"],
  ])("says a document that is %s is not a declarations document", (_what, text) => {
    expect(messages(text)).toEqual([
      "telephony.yaml:1:1: a declarations document is a mapping with configurations: (and x- fragments)",
    ]);
  });

  it("refuses an alias explosion at the alias that takes it past the budget, but not a large file that merges one fragment everywhere", () => {
    const levels = ["x-a: &a [x,x,x,x,x,x,x,x,x,x]"];
    for (const [i, name] of ["b", "c", "d", "e", "f"].entries())
      levels.push(`x-${name}: &${name} [${Array(10).fill(`*${"abcde"[i]}`).join(",")}]`);
    // Lines 2 to 5 add 123,440 nodes; the first *e of line 6 adds 111,111 more.
    expect(messages(`${levels.join("\n")}\nconfigurations: {}\n`)).toEqual([
      `telephony.yaml:6:10: *e: aliases and merges add more than ${MAX_EXPANSION} keys and values to this file by here (each *e adds 111111); share smaller fragments or use them less often, or split the file`,
    ]);

    const many = ["x-base: &base {provider: 3}", "x-more: &more {<<: *base, active: false}", "configurations:"];
    for (let i = 0; i < 1000; i++) many.push(`  c${i}: {<<: *more, name: C${i}}`);
    const { declarations, problems } = parse(`${many.join("\n")}\n`);
    expect(problems).toEqual([]);
    expect(declarations).toHaveLength(1000);
    expect(declarations[999]).toMatchObject({ provider: 3, active: false, name: "C999" });
  });

  // A fragment of 2,000 keys as the meta of 3,000 configurations: 147 KB that took 40 s and 600 MB to read.
  const fanOut = (uses: number) =>
    [
      "x-big: &big",
      ...Array.from({ length: 2000 }, (_, i) => `  k${i}: v`),
      "configurations:",
      ...Array.from({ length: uses }, (_, i) => `  c${i}: {provider: 1, meta: *big}`),
    ].join("\n");
  const over = (alias: string, adds: number) =>
    `*${alias}: aliases and merges add more than ${MAX_EXPANSION} keys and values to this file by here (each *${alias} adds ${adds}); share smaller fragments or use them less often, or split the file`;

  it("refuses a wide fan-out of a fragment before expanding it, at the alias that passes the budget", () => {
    const started = performance.now();
    const found = messages(`${fanOut(3000)}\n`);
    const took = performance.now() - started;
    // *big is a mapping and its 2,000 keys and values; the configurations start at line 2003, *big at column 28.
    const passing = Math.floor(MAX_EXPANSION / 4001);
    expect(found).toEqual([`telephony.yaml:${2003 + passing}:28: ${over("big", 4001)}`]);
    // A generous bound: the failure it guards against takes 40 s or more.
    expect(took).toBeLessThan(5000);
  });

  it("bounds the file, not each document: --- is no way around the budget", () => {
    const half = Math.floor(MAX_EXPANSION / 4001 / 2) + 1;
    expect(parse(`${fanOut(half)}\n`).problems).toEqual([]);
    const twice = parse(`${fanOut(half)}\n---\n${fanOut(half)}\n`);
    expect(twice.problems.map((p) => p.message)).toEqual([over("big", 4001)]);
    expect(twice.problems[0]!.line).toBeGreaterThan(2003 + half);
  });

  it("refuses an alias inside the value it repeats, which would never end", () => {
    const endless =
      "is inside the value anchored &c, which would then contain itself without end; an alias can only repeat a value it is not part of";
    expect(messages("configurations: &c\n  a:\n    <<: *c\n")).toEqual([`telephony.yaml:3:9: *c: ${endless}`]);
    expect(messages("x-m: &c {k: [*c]}\nconfigurations: {}\n")).toEqual([`telephony.yaml:1:14: *c: ${endless}`]);
  });
});

describe("per-stack values in declarations", () => {
  const stack: StackValues = {
    name: "prod",
    config: (key) =>
      key === "sipDomain"
        ? { kind: "plain", value: "prod.example.com" }
        : key === "token"
          ? { kind: "secret" }
          : { kind: "unset" },
  };
  const withStack: ParseOptions = { ...allSet, stack };
  const text = `x-sip: &sip
  sipUrl: "sip:support@\${config:sipDomain}"
configurations:
  support:
    <<: *sip
    name: Support \${stack}
    provider: 3
    baseUrl: https://\${config:sipDomain}/v1
    meta: { env: "\${stack}", literal: "$\${stack}" }
`;

  it("resolves ${config:…} and ${stack} in name, baseUrl, sipUrl and meta values", () => {
    const { declarations, problems } = parse(text, withStack);
    expect(problems).toEqual([]);
    expect(declarations[0]).toMatchObject({
      name: "Support prod",
      sipUrl: "sip:support@prod.example.com",
      baseUrl: "https://prod.example.com/v1",
      meta: { env: "prod", literal: "${stack}" },
    });
  });

  it("without a stack, says each is unresolved, at its column, with the severity asked for", () => {
    const result = parse(text, { ...allSet, unresolved: "warning" });
    expect(result.problems.map((p) => `${p.severity} ${formatProblem(p)}`)).toEqual([
      "warning telephony.yaml:6:19: configurations.support.name: ${stack} is resolved per stack: give --stack NAME to resolve it",
      "warning telephony.yaml:8:22: configurations.support.baseUrl: ${config:sipDomain} is resolved per stack: give --stack NAME to resolve it",
      "warning telephony.yaml:2:24: configurations.support.sipUrl: ${config:sipDomain} is resolved per stack: give --stack NAME to resolve it (merged at line 5)",
      "warning telephony.yaml:9:19: configurations.support.meta.env: ${stack} is resolved per stack: give --stack NAME to resolve it",
    ]);
    // A template's own checks wait for its value: `https://${config:x}` is no URL yet, and no error.
    expect(result.declarations).toHaveLength(1);
    const template = parse("configurations:\n  a:\n    provider: 1\n    baseUrl: ${config:url}\n", {
      ...allSet,
      unresolved: "warning",
    });
    expect(template.problems.map((p) => p.severity)).toEqual(["warning"]);
    expect(template.declarations.map((d) => d.baseUrl)).toEqual(["${config:url}"]);
  });

  it("checks the resolved value, and refuses an unknown key and a secret, registering nothing", () => {
    const bad =
      "configurations:\n  a:\n    provider: 1\n    baseUrl: ${config:sipDomain}\n    name: ${config:nope}\n    sipUrl: sip:${config:token}\n";
    const result = parse(bad, withStack);
    expect(result.declarations).toEqual([]);
    expect(result.problems.map((p) => formatProblem(p))).toEqual([
      "telephony.yaml:5:11: configurations.a.name: ${config:nope}: stack prod has no config nope (pulumi config set nope … --stack prod)",
      "telephony.yaml:6:17: configurations.a.sipUrl: ${config:token}: stack config token is a secret, and configurations.a.sipUrl is a plain field; a secret goes only in apiKey or apiSecret, as ${secret:token}",
      'telephony.yaml:4:14: configurations.a.baseUrl: must be an http:// or https:// URL, and resolves to "prod.example.com"',
    ]);
  });

  it("resolves a value reached through an alias for each configuration on its own, and only once", () => {
    const config = { kind: "plain", value: "literal ${stack} text" } as const;
    const stack: StackValues = { name: "dev", config: () => config };
    const text = `x-meta: &meta
  note: \${config:note}
  price: "USD $\${AMOUNT}"
configurations:
  one: &one {provider: 1, name: "One \${stack}", meta: *meta}
  two: {provider: 2, meta: *meta}
  three: *one
`;
    const { declarations, problems } = parse(text, { ...allSet, stack });
    expect(problems).toEqual([]);
    expect(declarations.map((d) => [d.key, d.name, d.meta])).toEqual([
      ["one", "One dev", { note: "literal ${stack} text", price: "USD ${AMOUNT}" }],
      ["two", "two", { note: "literal ${stack} text", price: "USD ${AMOUNT}" }],
      ["three", "One dev", { note: "literal ${stack} text", price: "USD ${AMOUNT}" }],
    ]);
  });

  it.each([
    ["plain", "    name: a ${config:nope}\n", "4:13"],
    ["double-quoted with escapes", '    name: "\\u00e9\\t ${config:nope}"\n', "4:21"],
    ["single-quoted with ''", "    name: 'it''s ${config:nope}'\n", "4:18"],
    ["folded", "    name: >\n      folded\n      ${config:nope}\n", "6:7"],
    ["block", "    name: |-\n      block ${config:nope}\n", "5:13"],
    ["twice, the second one bad", "    name: ${config:ok} ${config:nope} ${config:nope}\n", "4:24"],
  ])("points at a reference in a %s scalar", (_style, field, position) => {
    const stack: StackValues = {
      name: "dev",
      config: (key) => (key === "ok" ? { kind: "plain", value: "x" } : { kind: "unset" }),
    };
    const problems = parse(`configurations:\n  a:\n    provider: 1\n${field}`, { ...allSet, stack }).problems;
    expect(problems.map((p) => `${p.line}:${p.col}`)[0]).toBe(position);
  });

  it("says that a reference is resolved in plain string fields only, and what a URL resolved to", () => {
    expect(messages("configurations:\n  a:\n    provider: ${config:provider}\n", withStack)).toEqual([
      "telephony.yaml:3:15: configurations.a.provider: must be integer (${…} is resolved in plain string fields only: name, baseUrl, sipUrl and meta values)",
    ]);
    const odd: StackValues = { name: "dev", config: () => ({ kind: "plain", value: "${config:x}.example.com" }) };
    expect(
      messages("configurations:\n  a:\n    provider: 1\n    baseUrl: ${config:host}\n", { ...allSet, stack: odd }),
    ).toEqual([
      'telephony.yaml:4:14: configurations.a.baseUrl: must be an http:// or https:// URL, and resolves to "${config:x}.example.com"',
    ]);
  });

  it("keeps secret references to apiKey and apiSecret, as the whole value", () => {
    expect(
      messages(
        "configurations:\n  a:\n    provider: 1\n    name: key ${env:KEY}\n    apiKey: ${config:key}\n",
        withStack,
      ),
    ).toEqual([
      "telephony.yaml:4:15: configurations.a.name: ${env:KEY}: a secret reference goes only in apiKey or apiSecret, as the whole value",
      "telephony.yaml:5:13: configurations.a.apiKey: ${config:key} is for plain fields; a secret is ${env:NAME} (an environment variable) or ${secret:KEY} (stack secret config)",
    ]);
  });
});

describe("closest", () => {
  it.each([
    ["nmae", ["name", "meta"], "name"],
    ["stak", ["stack", "json"], "stack"],
    ["api_key", ["apiKey", "apiSecret"], "apiKey"],
    ["BASEURL", ["baseUrl"], "baseUrl"],
    ["formerkey", ["formerKeys"], "formerKeys"],
    ["protcet", ["protect"], "protect"],
    ["colour", ["name", "provider", "import"], undefined],
    ["ab", ["a", "abc"], undefined],
    ["xyz", ["xy"], "xy"],
    ["meta_json", [["meta_json", "meta"] as const, "name"], "meta"],
  ])("%s among %j: %s", (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it.each([
    ["name", "name", 0],
    ["nmae", "name", 1],
    ["drfit", "drift", 1],
    ["stak", "stack", 1],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
  ])("edits %s into %s in %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe("what was meant", () => {
  it.each([
    ["a swapped pair of letters", "    nmae: A\n", 'configurations.a.nmae: unknown field (did you mean "name"?)'],
    ["another case", "    Provider: 2\n", 'configurations.a.Provider: unknown field (did you mean "provider"?)'],
    [
      "the API's name",
      "    base_url: https://x\n",
      'configurations.a.base_url: unknown field (did you mean "baseUrl"?)',
    ],
    [
      "the API's name of meta",
      "    meta_json: {}\n",
      'configurations.a.meta_json: unknown field (did you mean "meta"?)',
    ],
    ["a missing letter", "    protct: true\n", 'configurations.a.protct: unknown field (did you mean "protect"?)'],
    ["nothing close", "    colour: red\n", "configurations.a.colour: unknown field"],
  ])("suggests a field for %s", (_what, line, message) => {
    expect(messages(`configurations:\n  a:\n    provider: 1\n${line}`)).toEqual([`telephony.yaml:4:5: ${message}`]);
  });

  it("suggests configurations at the top, and says where fragments go when nothing is close", () => {
    expect(messages("configuration:\n  a:\n    provider: 1\n")).toContain(
      'telephony.yaml:1:1: configuration: unknown field (did you mean "configurations"?)',
    );
  });

  it.each([
    [
      "${vault:x}",
      'unknown reference kind "vault": a secret is ${env:NAME} (an environment variable) or ${secret:KEY} (stack secret config)',
    ],
    ["${secrt:KEY}", 'unknown reference kind "secrt" (did you mean ${secret:…}?)'],
    ["${ENV:KEY}", 'unknown reference kind "ENV" (did you mean ${env:…}?)'],
    [
      "${stack}",
      "${stack} is for plain fields; a secret is ${env:NAME} (an environment variable) or ${secret:KEY} (stack secret config)",
    ],
    [
      "${key}",
      "not a secret reference: a secret is ${env:NAME} (an environment variable) or ${secret:KEY} (stack secret config)",
    ],
    // A value that is no reference may be the secret itself: never repeated.
    ["sk_live_${x:y}z", "must be a secret reference such as ${env:NAME} or ${secret:KEY}, not a literal value"],
  ])("says what a secret field's %s is", (value, message) => {
    expect(messages(`configurations:\n  a:\n    provider: 1\n    apiSecret: ${value}\n`)).toEqual([
      `telephony.yaml:4:16: configurations.a.apiSecret: ${message}`,
    ]);
  });
});

describe("provider ids the package does not know", () => {
  it("warns, where the id is written, and still declares the configuration", () => {
    const { declarations, problems } = parse(
      "x-base: &base\n  provider: 77\nconfigurations:\n  a:\n    provider: 7\n  b:\n    <<: *base\n  c:\n    provider: 66\n",
    );
    expect(declarations.map((d) => d.key)).toEqual(["a", "b", "c"]);
    const known = "1 Airtel, 2 Jio, 3 Twilio, 4 LiveKit, 5 Daily, 6 Vapi, 58 Vodafone, 66 VI";
    expect(problems.map((p) => `${formatProblem(p, true)}`)).toEqual([
      `telephony.yaml:5:15: warning: configurations.a.provider: provider 7 is not in the known catalogue (${known}); the API decides`,
      `telephony.yaml:2:13: warning: configurations.b.provider: provider 77 is not in the known catalogue (${known}); the API decides (merged at line 7)`,
    ]);
  });
});

describe("the schema, as an editor applies it to a file as written", () => {
  it("accepts examples/environments, references and fragments included", () => {
    const dir = join(REPO, "examples/environments/telephony");
    for (const file of readdirSync(dir)) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"), { merge: true })) {
        expect(
          validateDeclarationsFile(doc.toJS()),
          `${file}: ${JSON.stringify(validateDeclarationsFile.errors)}`,
        ).toBe(true);
      }
    }
  });
});

describe("configuredPaths (stack config telephony:declarations)", () => {
  it.each([
    [undefined, ["telephony"]],
    ["", ["telephony"]],
    ["shared", ["shared"]],
    ['["shared","prod"]', ["shared", "prod"]],
  ])("reads %j", (value, paths) => {
    expect(configuredPaths(value)).toEqual(paths);
  });

  it.each(["[]", '["a", 1]', "[not-json-SECRET", '[""]'])(
    "refuses %j, without quoting it (it may be a secret set by mistake)",
    (value) => {
      expect(() => configuredPaths(value)).toThrow(
        /^telephony:declarations must be a path or a non-empty list of paths \(pulumi config set --path/,
      );
      expect(() => configuredPaths(value)).not.toThrow(value);
    },
  );
});

describe("loadDeclarations across files", () => {
  const load = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "load-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return loadDeclarations([dir], allSet).problems.map(
      (p) => `${p.file.slice(dir.length + 1)}:${p.line} ${p.message}`,
    );
  };

  it("refuses two declarations of exactly the same configuration, whatever the order of meta", () => {
    expect(
      load({
        "a.yaml": "configurations:\n  one:\n    name: Same\n    provider: 3\n    meta: { a: '1', b: '2' }\n",
        "b.yaml":
          "configurations:\n  two:\n    name: Same\n    provider: 3\n    meta: { b: '2', a: '1' }\n  three:\n    name: Same\n    provider: 3\n    meta: { a: '1', b: '3' }\n",
      }),
    ).toEqual([
      expect.stringMatching(
        /^b\.yaml:2 configurations\.two: declares exactly the same configuration as one \(.*a\.yaml:2\)/,
      ),
    ]);
  });

  it("takes former keys for renames, but not one that is a current key or another's former key", () => {
    expect(load({ "a.yaml": "configurations:\n  new:\n    provider: 3\n    formerKeys: [old]\n" })).toEqual([]);
    expect(
      load({
        "a.yaml":
          "configurations:\n  new:\n    provider: 3\n    formerKeys: [other]\n  other:\n    provider: 4\n  third:\n    provider: 5\n    formerKeys: [old]\n  fourth:\n    provider: 6\n    formerKeys: [old]\n",
      }),
    ).toEqual([
      expect.stringMatching(/^a\.yaml:2 configurations\.new: former key other is the key of another one/),
      expect.stringMatching(/^a\.yaml:10 configurations\.fourth: former key old is also a former key of third/),
    ]);
  });
});
