import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { adoptionYaml, leftOutLines, type KnownStack } from "../../src/gitops/adopt.js";
import { schemaPathFor } from "../../src/gitops/schema-path.js";
import { stackHoldings } from "../../src/gitops/stack-holdings.js";
import { markEntry } from "../../src/model/index.js";
import { live } from "../helpers/configurations.js";

const prod: KnownStack = {
  name: "prod",
  holds: new Map([
    [1, "twilio-support"],
    [2, "jio"],
  ]),
  keys: new Set(["twilio-support", "jio", "hand-made"]),
};

describe("adopt --stack", () => {
  const configurations = [
    live({ id: 1, name: "Twilio Support" }),
    live({ id: 2, name: "Jio", provider: 2 }),
    live({ id: 3, name: "Hand Made", provider: 6 }),
    live({ id: 4, name: "Theirs", meta_json: [markEntry({ stack: "voice/staging", resource: "t", create: "n" })] }),
    live({ id: 5, name: "Spaced", base_url: "https://a b" }),
  ];

  it("leaves out what the stack has, and never declares a key the stack uses", () => {
    const adoption = adoptionYaml(configurations, { stack: prod });
    expect(adoption.held).toEqual([
      { id: 1, name: "Twilio Support", key: "twilio-support" },
      { id: 2, name: "Jio", key: "jio" },
    ]);
    // "hand-made" is a key of the stack already: a declaration under it would be that resource.
    expect(parse(adoption.yaml)).toEqual({
      configurations: { "hand-made-3": { name: "Hand Made", provider: 6, import: 3 } },
    });
    expect(adoption.yaml).toContain('# Left out, stack "prod" has them already: 1, 2\n');
    expect(adoption.skipped.map((s) => [s.id, s.kind])).toEqual([
      [4, "marked"],
      [5, "unfit"],
    ]);
  });

  it("says on stderr what it left out, each group counted, then what no declaration could adopt", () => {
    expect(leftOutLines(adoptionYaml(configurations, { stack: prod }), "acme/voice/prod")).toEqual([
      "left out 2 configurations stack acme/voice/prod has already (its state or its declarations hold them):",
      '  #1 "Twilio Support" as twilio-support',
      '  #2 "Jio" as jio',
      "left out 1 configuration a stack created and manages (its ownership mark):",
      '  #4 "Theirs": it is managed by resource "t" of stack "voice/staging", which created it',
      'not adopted: configuration 5 "Spaced": baseUrl: must be an http:// or https:// URL',
    ]);
    // Without a stack, nothing is held.
    expect(leftOutLines(adoptionYaml(configurations))[0]).toBe(
      "left out 1 configuration a stack created and manages (its ownership mark):",
    );
  });
});

describe("what a stack holds, for adopt --stack", () => {
  const stackWith = (yaml: string) => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "adopt-holdings-")));
    writeFileSync(join(dir, "main.yaml"), yaml);
    return {
      name: "prod",
      project: "voice",
      dir,
      config: { "telephony:declarations": "main.yaml" },
      secretKeys: new Set<string>(),
      stateIds: new Map([["twilio-support", 1]]),
      otherTypes: [],
    };
  };

  it("is the state's ids and what the declarations import", () => {
    const held = stackHoldings(stackWith("configurations:\n  legacy:\n    import: 6\n    provider: 3\n"));
    expect([...held.holds]).toEqual([
      [1, "twilio-support"],
      [6, "legacy"],
    ]);
  });

  // A file that does not load would add nothing: what it imports would be written again, declared twice.
  it("refuses declarations with an error, naming it, rather than leave their imports out", () => {
    const stack = stackWith("configurations:\n  legacy:\n    import: 6\n    provider: 3\n    sipUrl: 42\n");
    expect(() => stackHoldings(stack)).toThrow(
      /^the declarations of stack prod have errors, so what they import cannot be told:\n {2}.*main\.yaml:5:13: error: .*sipUrl.*\nfix them first \(telephony-config validate --stack prod\); nothing was written$/,
    );
  });
});

describe("the $schema line adopt writes resolves where the file is", () => {
  const SCHEMA = "schemas/provider-configurations.schema.json";
  const tree = (files: string[]) => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "schema-path-")));
    for (const file of files) {
      mkdirSync(join(root, file, ".."), { recursive: true });
      writeFileSync(join(root, file), "{}");
    }
    return root;
  };

  it.each<[string, string[], string, string]>([
    [
      "the package installed in the project: its schema, from a folder below",
      ["package.json", `node_modules/telephony-config/${SCHEMA}`],
      "telephony",
      `../node_modules/telephony-config/${SCHEMA}`,
    ],
    [
      "installed, from the project's own directory",
      ["package.json", `node_modules/telephony-config/${SCHEMA}`],
      ".",
      `node_modules/telephony-config/${SCHEMA}`,
    ],
    [
      "a workspace that hoists it to a parent: found as Node finds it",
      [`node_modules/telephony-config/${SCHEMA}`, "infra/package.json"],
      "infra/telephony",
      `../../node_modules/telephony-config/${SCHEMA}`,
    ],
    [
      "not installed yet: where npm install puts it, in the nearest package's directory",
      ["infra/package.json"],
      "infra/telephony",
      `../node_modules/telephony-config/${SCHEMA}`,
    ],
  ])("%s", (_name, files, dir, expected) => {
    const root = tree(files);
    expect(schemaPathFor(join(root, dir), join(root, "elsewhere"))).toBe(expected);
  });

  it("in a checkout of this package: its own schemas/", () => {
    const root = tree([SCHEMA, "package.json"]);
    mkdirSync(join(root, "examples"));
    expect(schemaPathFor(join(root, "examples"), root)).toBe(`../${SCHEMA}`);
    expect(schemaPathFor(root, root)).toBe(SCHEMA);
  });
});
