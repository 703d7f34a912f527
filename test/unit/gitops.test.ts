import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Configuration } from "../../src/client/contract.js";
import type { Declaration } from "../../src/declarations/declaration.js";
import { parseDeclarations } from "../../src/declarations/parse.js";
import { adoptionYaml } from "../../src/gitops/adopt.js";
import { compare } from "../../src/gitops/compare.js";
import { OWNER_META_KEY, markValue } from "../../src/model/index.js";
import { parseDuration } from "../../src/gitops/duration.js";
import { renderMarkdown, renderText } from "../../src/gitops/render.js";
import { exitCodeFor } from "../../src/gitops/report.js";
import { declarationPaths, stackValues, type StackInfo } from "../../src/gitops/stack.js";
import { validateDeclarations } from "../../src/gitops/validate.js";
import { live, declared } from "../helpers/configurations.js";

const noSecrets = { secretValue: () => undefined };
const THIS_STACK = "voice/prod";
/** Compared as stack voice/prod, whose state holds these keys → ids. */
const inStack = (state: Array<[string, number]>) => ({ stack: { id: THIS_STACK, stateIds: new Map(state) } });

describe("compare", () => {
  it("is in sync when every declared field matches, null and empty alike, meta in any order", () => {
    const report = compare(
      [declared({ key: "a", meta: { x: "1", y: "2" }, baseUrl: undefined })],
      [
        live({
          id: 1,
          name: "a",
          base_url: null,
          meta_json: [
            { meta_key: "y", meta_value: "2" },
            { meta_key: "x", meta_value: "1" },
          ],
        }),
      ],
      noSecrets,
    );
    expect(report.inSync).toBe(true);
    expect(exitCodeFor(report)).toBe(0);
    expect(report.configurations[0]).toMatchObject({ id: 1, matchedBy: "name", status: "in-sync", changes: [] });
  });

  it.each<[string, Partial<Configuration>, Array<[string, unknown, unknown]>]>([
    ["a renamed configuration", { name: "b" }, []],
    ["a deactivated one", { active: false }, [["active", true, false]]],
    ["another SIP URL", { sip_url: "sip:x" }, [["sipUrl", "", "sip:x"]]],
    ["other meta", { meta_json: [{ meta_key: "k", meta_value: "v" }] }, [["meta", {}, { k: "v" }]]],
    ["another provider", { provider: 4 }, [["provider", 3, 4]]],
  ])("reports %s field by field", (_name, change, expected) => {
    const report = compare([declared({ key: "a", importId: 1 })], [live({ id: 1, name: "a", ...change })], noSecrets);
    const changes = report.configurations[0]!.changes.map((c) => [c.field, c.declared, c.live]);
    if (change.name) expect(changes).toEqual([["name", "a", "b"]]);
    else expect(changes).toEqual(expected);
    expect(exitCodeFor(report)).toBe(2);
  });

  it("with a stack: state ids first; a declaration not in the stack is missing (up creates or adopts it), with a hint", () => {
    const report = compare(
      [
        declared({ key: "by-name", name: "N" }),
        declared({ key: "by-state", name: "X" }),
        declared({ key: "by-import", importId: 5 }),
        declared({ key: "gone" }),
      ],
      [
        live({ id: 4, name: "X" }),
        live({ id: 5, name: "by-import" }),
        live({ id: 6, name: "N" }),
        live({ id: 7, name: "X" }),
        live({ id: 8, name: "other" }),
        live({ id: 9, name: "old" }),
      ],
      {
        ...inStack([
          ["by-state", 7],
          ["removed-key", 9],
          ["removed-gone", 10],
        ]),
        ...noSecrets,
      },
    );
    expect(report.configurations.map((c) => [c.key, c.id, c.matchedBy, c.status, c.hint])).toEqual([
      ["by-name", null, null, "missing", "a configuration with this name exists: adopt it with `import: 6`"],
      ["by-state", 7, "state", "in-sync", undefined],
      ["by-import", 5, "import", "missing", "not in the stack yet: `pulumi up` adopts configuration 5"],
      ["gone", null, null, "missing", undefined],
    ]);
    expect(report.removed).toEqual([
      { key: "removed-key", id: 9, name: "old", provider: 3, live: true, heldBy: null },
      { key: "removed-gone", id: 10, name: null, provider: null, live: false, heldBy: null },
    ]);
    expect(report.unmanaged.map((u) => u.id)).toEqual([4, 6, 8]);
    expect(report.summary).toEqual({
      declared: 4,
      declaredInCode: 0,
      inSync: 1,
      changed: 0,
      replaces: 0,
      missing: 3,
      removed: 2,
      unmanaged: 3,
      ignored: 0,
      managedElsewhere: 0,
    });
  });

  it("without a stack: import ids, then names among the configurations not matched, whatever the order", () => {
    const report = compare(
      [declared({ key: "by-name", name: "X" }), declared({ key: "by-import", name: "X", importId: 7 })],
      [live({ id: 7, name: "X" }), live({ id: 8, name: "X" })],
      noSecrets,
    );
    expect(report.configurations.map((c) => [c.key, c.id, c.matchedBy])).toEqual([
      ["by-name", 8, "name"],
      ["by-import", 7, "import"],
    ]);
    expect(report.inSync).toBe(true);
  });

  it("names match the same provider first, whatever the order of the declarations", () => {
    const a = declared({ key: "a", name: "X", provider: 3 });
    const b = declared({ key: "b", name: "X", provider: 2 });
    const configs = [live({ id: 1, name: "X", provider: 2 }), live({ id: 2, name: "X", provider: 3 })];
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const report = compare(order, configs, noSecrets);
      expect(Object.fromEntries(report.configurations.map((c) => [c.key, c.id]))).toEqual({ a: 2, b: 1 });
      expect(report.inSync).toBe(true);
    }
  });

  it("a key renamed with formerKeys is the state's resource under its former key: neither missing nor removed", () => {
    const report = compare([declared({ key: "new", name: "X", formerKeys: ["old"] })], [live({ id: 4, name: "X" })], {
      ...inStack([["old", 4]]),
      ...noSecrets,
    });
    expect(report.configurations.map((c) => [c.key, c.id, c.matchedBy, c.status])).toEqual([
      ["new", 4, "state", "in-sync"],
    ]);
    expect(report.removed).toEqual([]);
    expect(report.inSync).toBe(true);
  });

  it("never gives one live id to two declarations", () => {
    const report = compare(
      [declared({ key: "a", importId: 7 }), declared({ key: "b", importId: 7 }), declared({ key: "c", name: "x" })],
      [live({ id: 7, name: "x" })],
      {
        ...inStack([
          ["c", 7],
          ["d", 7],
        ]),
        ...noSecrets,
      },
    );
    expect(report.configurations.map((c) => [c.key, c.id, c.hint])).toEqual([
      ["a", null, "import 7 is held by c"],
      ["b", null, "import 7 is held by c"],
      ["c", 7, undefined],
    ]);
    const twice = compare(
      [declared({ key: "c", name: "x" }), declared({ key: "d", name: "x", provider: 4 })],
      [live({ id: 7, name: "x" })],
      {
        ...inStack([
          ["c", 7],
          ["d", 7],
        ]),
        ...noSecrets,
      },
    );
    expect(twice.configurations.map((c) => [c.key, c.id, c.hint])).toEqual([
      ["c", 7, undefined],
      ["d", null, "configuration 7 of the stack is also held by c"],
    ]);
  });

  it("counts unmanaged configurations as drift, unless left out or ignored by id or name", () => {
    const declarations = [declared({ key: "a" })];
    const configs = [live({ id: 1, name: "a" }), live({ id: 2, name: "Kept Trunk" }), live({ id: 3, name: "z" })];
    expect(exitCodeFor(compare(declarations, configs, noSecrets))).toBe(2);
    expect(compare(declarations, configs, { ...noSecrets, onlyManaged: true })).toMatchObject({
      inSync: true,
      unmanaged: [],
      summary: { ignored: 2 },
    });
    const ignored = compare(declarations, configs, { ...noSecrets, ignore: ["Kept Trunk", "3"] });
    expect(ignored).toMatchObject({ inSync: true, unmanaged: [], summary: { unmanaged: 0, ignored: 2 } });
    expect(compare(declarations, configs, { ...noSecrets, ignore: ["Kept Trunk"] }).unmanaged.map((u) => u.id)).toEqual(
      [3],
    );
  });

  it("does not compare a secret the declaration leaves out", () => {
    const report = compare([declared({ key: "a" })], [live({ id: 1, name: "a", api_key: "live-key-0000" })], {
      secretValue: () => "other",
    });
    expect(report.configurations[0]).toMatchObject({
      status: "in-sync",
      secrets: { apiKey: "not-declared", apiSecret: "not-declared" },
    });
  });

  it("compares secrets without ever showing them", () => {
    const d = declared({ key: "a", apiKey: { kind: "env", name: "K" }, apiSecret: { kind: "secret", name: "s" } });
    const l = live({ id: 1, name: "a", api_key: "live-key-value", api_secret: "live-secret-value" });
    const changed = compare([d], [l], {
      secretValue: (ref) => (ref.kind === "env" ? "declared-key-value" : undefined),
    });
    expect(changed.configurations[0]!.secrets).toEqual({ apiKey: "changed", apiSecret: "not-compared" });
    expect(changed.inSync).toBe(false);
    for (const text of [JSON.stringify(changed), renderText(changed), renderMarkdown(changed)]) {
      expect(text).not.toMatch(/live-key-value|declared-key-value|live-secret-value/);
    }
    expect(renderText(changed)).toContain("apiKey: changed (secret)");
    expect(
      compare([d], [l], { secretValue: (ref) => (ref.kind === "env" ? "live-key-value" : undefined) }).inSync,
    ).toBe(true);
  });
});

const OTHER_STACK = "voice/staging";
const markedBy = (stack: string, resource: string) => [
  { meta_key: OWNER_META_KEY, meta_value: markValue({ stack, resource, create: "nonce-1" }) },
];
const INTERRUPTED = "an interrupted or failed `pulumi up`";

describe("compare, with ownership marks", () => {
  it.each<[string, Declaration[], Configuration[], Array<[string, number]> | undefined, Record<string, unknown>]>([
    [
      "another stack's configuration is managed there: neither unmanaged nor drift",
      [],
      [live({ id: 4, name: "Staging Trunk", meta_json: markedBy(OTHER_STACK, "trunk") })],
      [],
      {
        inSync: true,
        unmanaged: [],
        managedElsewhere: [{ id: 4, name: "Staging Trunk", provider: 3, stack: OTHER_STACK, resource: "trunk" }],
        summary: { unmanaged: 0, ignored: 0, managedElsewhere: 1 },
      },
    ],
    [
      "this stack's mark, not in its state: unmanaged, saying what to do",
      [],
      [live({ id: 5, name: "Half Made", meta_json: markedBy(THIS_STACK, "half") })],
      [],
      {
        inSync: false,
        managedElsewhere: [],
        unmanaged: [
          {
            id: 5,
            hint: `created by resource half of this stack but not in its state (${INTERRUPTED}): the next \`up\` takes it over if declaration half still creates exactly this; otherwise delete it`,
          },
        ],
      },
    ],
    [
      "this stack's mark for a resource that holds another configuration: left behind",
      [declared({ key: "half" })],
      [live({ id: 6, name: "half" }), live({ id: 5, name: "half", meta_json: markedBy(THIS_STACK, "half") })],
      [["half", 6]],
      {
        configurations: [{ key: "half", id: 6, status: "in-sync" }],
        unmanaged: [
          {
            id: 5,
            hint: `created by resource half of this stack, which holds configuration 6: left behind by ${INTERRUPTED}; delete it`,
          },
        ],
      },
    ],
    [
      "a declaration whose create was interrupted: the next up takes it over",
      [declared({ key: "half", name: "Renamed Since" })],
      [live({ id: 5, name: "Half", meta_json: markedBy(THIS_STACK, "half") })],
      [],
      {
        configurations: [
          {
            key: "half",
            id: null,
            status: "missing",
            hint: `configuration 5 was created for it by ${INTERRUPTED}: the next \`up\` takes it over if it is still exactly what the declaration creates`,
          },
        ],
      },
    ],
    [
      "the other kind of resource's create (native, in a dynamic stack): up neither adopts nor takes it over",
      [declared({ key: "half", name: "Half" })],
      [
        live({
          id: 5,
          name: "Half",
          meta_json: [
            {
              meta_key: OWNER_META_KEY,
              meta_value: markValue({ stack: THIS_STACK, resource: "half", create: "n", host: "native" }),
            },
          ],
        }),
      ],
      [],
      {
        configurations: [
          {
            key: "half",
            id: null,
            status: "missing",
            hint: "configuration 5 was created by the native resource of this key, which `pulumi up` neither adopts nor takes over: if the stack is to move between the two, run telephony-config migrate; if it was moved already, that configuration was left behind before the move by a create whose answer was lost, and is no resource's: delete it",
          },
        ],
      },
    ],
    [
      "an import of another stack's configuration is missing, naming the owner",
      [declared({ key: "a", importId: 4 })],
      [live({ id: 4, name: "a", meta_json: markedBy(OTHER_STACK, "x") })],
      [],
      {
        configurations: [
          { key: "a", id: null, status: "missing", hint: 'import 4 is managed by resource "x" of stack voice/staging' },
        ],
        managedElsewhere: [{ id: 4 }],
      },
    ],
    [
      "an import of what this stack created for another resource is not adopted",
      [declared({ key: "a", importId: 5 })],
      [live({ id: 5, name: "a", meta_json: markedBy(THIS_STACK, "b") })],
      [],
      {
        configurations: [
          {
            key: "a",
            status: "missing",
            hint: "import 5 was created by resource b of this stack (its ownership mark), and `pulumi up` adopts it for b only",
          },
        ],
      },
    ],
    [
      "an import of what this stack created for this very resource is adopted",
      [declared({ key: "a", importId: 5 })],
      [live({ id: 5, name: "a", meta_json: markedBy(THIS_STACK, "a") })],
      [],
      {
        configurations: [
          {
            key: "a",
            id: 5,
            matchedBy: "import",
            status: "missing",
            hint: "not in the stack yet: `pulumi up` adopts configuration 5",
          },
        ],
      },
    ],
    [
      "an import of a configuration whose mark names no stack is not adopted",
      [declared({ key: "a", importId: 5 })],
      [live({ id: 5, name: "a", meta_json: [{ meta_key: OWNER_META_KEY, meta_value: "mine" }] })],
      [],
      {
        configurations: [
          {
            key: "a",
            status: "missing",
            hint: "import 5 carries an ownership mark that is not this project's: `pulumi up` does not adopt it",
          },
        ],
        unmanaged: [{ id: 5 }],
      },
    ],
    [
      "a namesake of another stack is not offered to adopt",
      [declared({ key: "a", name: "Trunk" })],
      [live({ id: 4, name: "Trunk", meta_json: markedBy(OTHER_STACK, "x") })],
      [],
      {
        configurations: [
          {
            key: "a",
            status: "missing",
            hint: 'configuration 4 with this name is managed by resource "x" of stack voice/staging',
          },
        ],
      },
    ],
    [
      "a namesake this stack created for another resource is not offered to adopt (up would refuse it)",
      [declared({ key: "a", name: "Trunk" })],
      [live({ id: 5, name: "Trunk", meta_json: markedBy(THIS_STACK, "b") })],
      [],
      {
        configurations: [expect.not.objectContaining({ hint: expect.anything() })],
        summary: { missing: 1 },
        unmanaged: [{ id: 5 }],
      },
    ],
    [
      "without a stack, a namesake whose mark names no stack is not matched",
      [declared({ key: "a", name: "Trunk" })],
      [live({ id: 5, name: "Trunk", meta_json: [{ meta_key: OWNER_META_KEY, meta_value: "{}" }] })],
      undefined,
      {
        configurations: [expect.not.objectContaining({ hint: expect.anything() })],
        summary: { missing: 1 },
        unmanaged: [{ id: 5 }],
        managedElsewhere: [],
      },
    ],
    [
      "the state wins over a mark (a renamed stack's), and the mark is no meta change",
      [declared({ key: "a" })],
      [live({ id: 4, name: "a", meta_json: markedBy("voice/old-name", "a") })],
      [["a", 4]],
      {
        inSync: true,
        configurations: [{ key: "a", id: 4, matchedBy: "state", status: "in-sync" }],
        managedElsewhere: [],
      },
    ],
    [
      "without a stack, a name never matches a marked configuration: listed by its stack, the declaration missing",
      [declared({ key: "a", name: "Trunk" })],
      [live({ id: 4, name: "Trunk", meta_json: markedBy(THIS_STACK, "a") })],
      undefined,
      {
        inSync: false,
        configurations: [
          {
            key: "a",
            status: "missing",
            hint: 'configuration 4 with this name is managed by resource "a" of stack voice/prod (compare with `drift --stack`)',
          },
        ],
        unmanaged: [],
        managedElsewhere: [{ id: 4, stack: THIS_STACK, resource: "a" }],
      },
    ],
    [
      "without a stack, an unmarked namesake still matches",
      [declared({ key: "a", name: "Trunk" })],
      [live({ id: 4, name: "Trunk", meta_json: markedBy(OTHER_STACK, "a") }), live({ id: 5, name: "Trunk" })],
      undefined,
      { inSync: true, configurations: [{ key: "a", id: 5, matchedBy: "name" }], managedElsewhere: [{ id: 4 }] },
    ],
    [
      "without a stack, an import of a marked configuration is missing",
      [declared({ key: "a", importId: 4 })],
      [live({ id: 4, name: "a", meta_json: markedBy(THIS_STACK, "a") })],
      undefined,
      {
        configurations: [
          {
            key: "a",
            status: "missing",
            hint: 'import 4 is managed by resource "a" of stack voice/prod (compare with `drift --stack`)',
          },
        ],
      },
    ],
  ])("%s", (_name, declarations, configs, state, expected) => {
    const report = compare(declarations, configs, { ...(state ? inStack(state) : {}), ...noSecrets });
    expect(report).toMatchObject(expected);
    expect(exitCodeFor(report)).toBe(expected.inSync === true ? 0 : 2);
  });
});

describe("compare: one id, one holder", () => {
  it.each<[string, Declaration[], Array<[string, number]>, string[], Array<[string, string | null]>]>([
    ["nobody else holds it: up deletes it", [], [["old", 9]], [], [["old", null]]],
    [
      "two removed keys on one id: up deletes it",
      [],
      [
        ["old", 9],
        ["older", 9],
      ],
      [],
      [
        ["old", null],
        ["older", null],
      ],
    ],
    [
      "a declared resource holds the id too",
      [declared({ key: "c" })],
      [
        ["c", 9],
        ["old", 9],
      ],
      [],
      [["old", "c"]],
    ],
    ["a declaration imports the id", [declared({ key: "new", importId: 9 })], [["old", 9]], [], [["old", "new"]]],
    [
      "a resource declared in code holds the id",
      [],
      [
        ["code", 9],
        ["old", 9],
      ],
      ["code"],
      [["old", "code"]],
    ],
  ])("a removed key: %s", (_name, declarations, state, ignore, expected) => {
    const report = compare(declarations, [live({ id: 9, name: "x" })], { ...inStack(state), ...noSecrets, ignore });
    expect(report.removed.map((r) => [r.key, r.heldBy])).toEqual(expected);
  });

  it.each<[string, Declaration, Array<[string, number]>, string[], string]>([
    [
      "a key no longer declared: a rename",
      declared({ key: "new", importId: 9 }),
      [["old", 9]],
      [],
      "import 9 is held by resource old of the stack, no longer declared: to rename old, declare `formerKeys: [old]` instead of `import`",
    ],
    [
      "a resource declared in code",
      declared({ key: "new", importId: 9 }),
      [["code", 9]],
      ["code"],
      "import 9 is held by resource code of the stack",
    ],
  ])("an import of what the state holds under %s is missing, naming the key", (_name, d, state, ignore, hint) => {
    const report = compare([d], [live({ id: 9, name: "x" })], { ...inStack(state), ...noSecrets, ignore });
    expect(report.configurations[0]).toMatchObject({ key: "new", id: null, status: "missing", hint });
  });
});

describe("renderers", () => {
  const report = compare(
    [declared({ key: "a", importId: 1 }), declared({ key: "gone" })],
    [live({ id: 1, name: "a", active: false }), live({ id: 9, name: "x|y" })],
    noSecrets,
  );

  it("text: one line per configuration and a summary", () => {
    expect(renderText(report)).toBe(
      [
        "changed  a #1 (t.yaml:2), matched by import",
        "           active: false (live) → true (declared)",
        "missing  gone (t.yaml:2): no live configuration matches",
        'unmanaged #9 "x|y" (provider 3): neither declared nor in the stack',
        "Drift. 2 declared: 0 in sync, 1 changed, 1 missing; 0 removed; 1 unmanaged",
        "",
      ].join("\n"),
    );
    expect(renderText(report, { color: true })).toContain("\x1b[33mchanged\x1b[0m");
  });

  it("names configurations managed elsewhere briefly, per stack; a removed key held by another says it is not deleted", () => {
    const withMarks = compare(
      [declared({ key: "new", name: "New", importId: 9 })],
      [
        live({ id: 9, name: "Old" }),
        live({ id: 4, name: "s1", meta_json: markedBy(OTHER_STACK, "s1") }),
        live({ id: 5, name: "s2", meta_json: markedBy(OTHER_STACK, "s2") }),
        live({ id: 6, name: "h", meta_json: markedBy(THIS_STACK, "h") }),
        live({ id: 7, name: "e", meta_json: markedBy("evil\x1b[2J\nstack", "e") }),
      ],
      { ...inStack([["old", 9]]), ...noSecrets },
    );
    expect(renderText(withMarks)).toBe(
      [
        "missing  new (t.yaml:2): no live configuration matches (import 9 is held by resource old of the stack, no longer declared: to rename old, declare `formerKeys: [old]` instead of `import`)",
        'removed  old #9 "Old": in the stack, no longer declared, and also held by new: `pulumi up` removes it from the state, and does not delete the configuration',
        `unmanaged #6 "h" (provider 3): created by resource h of this stack but not in its state (${INTERRUPTED}): the next \`up\` takes it over if declaration h still creates exactly this; otherwise delete it`,
        "1 configuration managed by stack evil?[2J?stack (not drift)",
        "2 configurations managed by stack voice/staging (not drift)",
        "Drift. 1 declared: 0 in sync, 0 changed, 1 missing; 1 removed; 1 unmanaged; 3 managed elsewhere",
        "",
      ].join("\n"),
    );
    const md = renderMarkdown(withMarks);
    expect(md).toContain(
      "Managed elsewhere:\n\n- 1 configuration managed by stack evil?[2J?stack (not drift)\n- 2 configurations managed by stack voice/staging (not drift)\n",
    );
    expect(md).toContain(
      "- `old` #9: in the stack, no longer declared, and also held by new: `pulumi up` removes it from the state, and does not delete the configuration",
    );
    expect(md).toContain(`- #6 h (provider 3): created by resource h of this stack`);
  });

  it("markdown: a table fit for a job summary, pipes escaped", () => {
    const md = renderMarkdown(report);
    expect(md).toContain("### Telephony configurations: ⚠️ drift");
    expect(md).toContain("| `a` | 1 | changed | active: false (live) → true (declared) |");
    expect(md).toContain("| `gone` | – | missing | no live configuration matches |");
    expect(md).toContain("- #9 x\\|y (provider 3)");
  });
});

describe("adoptionYaml", () => {
  it("declares each live configuration with its import id and its secrets as references", () => {
    const { yaml, variables } = adoptionYaml([
      live({
        id: 2,
        name: "Twilio Support",
        api_key: "k-value",
        api_secret: "s-value",
        sip_url: "sip:a",
        meta_json: [{ meta_key: "r", meta_value: "1" }],
      }),
      live({ id: 3, name: "Twilio Support", provider: 4, active: false, base_url: "https://x" }),
    ]);
    expect(yaml).not.toMatch(/k-value|s-value/);
    expect(variables).toEqual(["TWILIO_SUPPORT_API_KEY", "TWILIO_SUPPORT_API_SECRET"]);
    expect(parse(yaml)).toEqual({
      configurations: {
        "twilio-support": {
          name: "Twilio Support",
          provider: 3,
          apiKey: "${env:TWILIO_SUPPORT_API_KEY}",
          apiSecret: "${env:TWILIO_SUPPORT_API_SECRET}",
          sipUrl: "sip:a",
          meta: { r: "1" },
          import: 2,
        },
        "twilio-support-3": { name: "Twilio Support", provider: 4, active: false, baseUrl: "https://x", import: 3 },
      },
    });
    // What it writes is valid input for the stack program.
    expect(
      parseDeclarations(yaml, "adopted.yaml", { isSet: () => "set", unsetReference: "error", unresolved: "error" })
        .problems,
    ).toEqual([]);
  });

  it("writes a live ${ as $${, so that the declaration reads back the live value, not a reference", () => {
    const values = {
      name: "Cost ${stack} $${x}",
      base_url: "https://x/${config:y}",
      sip_url: "sip:${a}",
      meta_json: [{ meta_key: "t", meta_value: "${env:HOME}" }],
    };
    const { yaml, count } = adoptionYaml([live({ id: 5, ...values })]);
    expect(count).toBe(1);
    const [d] = parseDeclarations(yaml, "adopted.yaml", {
      isSet: () => "set",
      unsetReference: "error",
      unresolved: "error",
    }).declarations;
    expect(d).toMatchObject({
      name: values.name,
      baseUrl: values.base_url,
      sipUrl: values.sip_url,
      meta: { t: "${env:HOME}" },
    });
  });

  it("keys and variables stay valid and unique at any depth: digits, accents, punctuation, collisions", () => {
    const { yaml, variables, count } = adoptionYaml([
      live({ id: 1, name: "3CX Trunk", api_key: "k" }),
      live({ id: 2, name: "x", api_key: "k" }),
      live({ id: 3, name: "x-7", api_key: "k" }),
      live({ id: 7, name: "x", api_key: "k" }),
      live({ id: 8, name: "Téléphone ☎", api_key: "k" }),
      live({ id: 9, name: "!!!", api_key: "k" }),
    ]);
    expect(Object.keys(parse(yaml).configurations)).toEqual([
      "cfg-3cx-trunk",
      "x",
      "x-7",
      "x-7-2",
      "telephone",
      "configuration-9",
    ]);
    expect(variables).toContain("CFG_3CX_TRUNK_API_KEY");
    expect(count).toBe(6);
  });

  it("leaves out, and says why, what no valid declaration can adopt: twins, URLs the schema refuses, repeated meta keys", () => {
    const { yaml, count, skipped } = adoptionYaml([
      live({ id: 1, name: "Twin" }),
      live({ id: 2, name: "Twin" }),
      live({ id: 3, name: "Spaced", base_url: "https://a b" }),
      live({
        id: 4,
        name: "Meta",
        meta_json: [
          { meta_key: "k", meta_value: "1" },
          { meta_key: "k", meta_value: "2" },
        ],
      }),
    ]);
    expect(count).toBe(1);
    expect(skipped.map((s) => [s.id, s.reason])).toEqual([
      [2, "it is exactly configuration 1; two resources would hold one configuration (give one another name)"],
      [3, "baseUrl: must be an http:// or https:// URL"],
      [4, "its meta_json repeats a key, which a declaration cannot"],
    ]);
    expect(yaml).toContain('# Not adopted: configuration 2 "Twin"');
  });

  it("leaves out, naming its owner, what a stack created, and never declares the mark's key", () => {
    const { yaml, count, skipped } = adoptionYaml([
      live({ id: 1, name: "Made By Stack", meta_json: markedBy(OTHER_STACK, "made") }),
      live({
        id: 2,
        name: "Odd Mark",
        meta_json: [
          { meta_key: OWNER_META_KEY, meta_value: "not a mark" },
          { meta_key: "team", meta_value: "a" },
        ],
      }),
      live({ id: 3, name: "Injected", meta_json: markedBy("x\nevil: 1", "y") }),
    ]);
    expect(count).toBe(0);
    expect(skipped.map((s) => [s.id, s.reason])).toEqual([
      [1, 'it is managed by resource "made" of stack "voice/staging", which created it'],
      // What pulumi up would refuse to adopt is not written either.
      [2, "its telephony-config:owner entry is not an ownership mark of this project, and pulumi up does not adopt it"],
      [3, 'it is managed by resource "y" of stack "x\\nevil: 1", which created it'],
    ]);
    // The reasons are comments: a newline in a mark adds no YAML.
    expect(parse(yaml)).toEqual({ configurations: {} });
    expect(yaml).toContain(
      '# Not adopted: configuration 1 "Made By Stack": it is managed by resource "made" of stack "voice/staging", which created it',
    );
  });

  it("always writes what validate accepts, one declaration per live configuration (generated names)", () => {
    // A small seeded generator: the same cases on every run, many shapes of name.
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const alphabet = [
      "a",
      "Z",
      "3",
      "0",
      "-",
      "_",
      ".",
      " ",
      "é",
      "ß",
      "☎",
      "日",
      "'",
      '"',
      "#",
      ":",
      "|",
      "\t",
      "x",
      "x-1",
    ];
    for (let round = 0; round < 50; round++) {
      const configs = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) =>
        live({
          id: 1 + i * (1 + Math.floor(random() * 3)),
          name:
            Array.from(
              { length: Math.floor(random() * 6) },
              () => alphabet[Math.floor(random() * alphabet.length)],
            ).join("") || "x",
          api_key: random() < 0.5 ? "k" : "",
          api_secret: random() < 0.5 ? "s" : "",
        }),
      );
      const unique = [...new Map(configs.map((c) => [c.id, c])).values()];
      const { yaml, variables, count, skipped } = adoptionYaml(unique);
      const dir = mkdtempSync(join(tmpdir(), "adopted-"));
      writeFileSync(join(dir, "adopted.yaml"), yaml);
      const result = validateDeclarations([dir], {});
      expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
      expect(count + skipped.length).toBe(unique.length);
      expect(count).toBe(result.declarations.length);
      expect([...result.declarations.map((d) => d.importId), ...skipped.map((s) => s.id)].sort()).toEqual(
        unique.map((c) => c.id).sort(),
      );
      expect(new Set(variables).size).toBe(variables.length);
      for (const v of variables) expect(v).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    }
  });
});

describe("validateDeclarations", () => {
  it("warns about duplicate name and provider and an unset or empty variable; an import id used twice is an error", () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-"));
    writeFileSync(join(dir, "a.yaml"), "configurations:\n  one:\n    name: Same\n    provider: 3\n    import: 7\n");
    writeFileSync(
      join(dir, "b.yaml"),
      "configurations:\n  two:\n    name: Same\n    provider: 3\n    import: 7\n  three:\n    provider: 1\n    apiKey: ${env:UNSET_FOR_SURE_123}\n    apiSecret: ${env:EMPTY_IN_CI}\n",
    );
    const result = validateDeclarations([dir], { EMPTY_IN_CI: "" });
    expect(result.valid).toBe(false);
    expect(result.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line} ${p.severity} ${p.message}`)).toEqual([
      "b.yaml:2 error configurations.two: import 7 is also declared by one (" +
        join(dir, "a.yaml") +
        ":2); two resources would manage one configuration",
      "b.yaml:2 error configurations.two: declares exactly the same configuration as one (" +
        join(dir, "a.yaml") +
        ":2); give one of them another name",
      'b.yaml:2 warning configurations.two: same name "Same" and provider 3 as one (' +
        join(dir, "a.yaml") +
        ":2); drift matches by name",
      "b.yaml:8 warning configurations.three.apiKey: ${env:UNSET_FOR_SURE_123}: environment variable UNSET_FOR_SURE_123 is not set",
      "b.yaml:9 warning configurations.three.apiSecret: ${env:EMPTY_IN_CI}: environment variable EMPTY_IN_CI is empty; a declared secret needs a value (leave apiSecret out to leave the live one alone)",
    ]);
  });
  it.each<[string, string, Array<[string, number]>, string[]]>([
    [
      "an import of what another declared resource holds",
      "  new:\n    name: N\n    provider: 3\n    import: 9\n  c:\n    name: C\n    provider: 3\n",
      [["c", 9]],
      ["configurations.new: import 9 is held by c in the stack's state; two resources would manage one configuration"],
    ],
    [
      "an import of what a key no longer declared holds: a rename",
      "  new:\n    name: N\n    provider: 3\n    import: 9\n",
      [["old", 9]],
      [
        "configurations.new: import 9 is held by old in the stack's state; two resources would manage one configuration (renamed from old? declare formerKeys: [old] instead of import)",
      ],
    ],
    [
      "an import the state holds under the declaration's own key",
      "  new:\n    name: N\n    provider: 3\n    import: 9\n",
      [["new", 9]],
      [],
    ],
    [
      "an import the state holds under a former key",
      "  new:\n    name: N\n    provider: 3\n    import: 9\n    formerKeys: [old]\n",
      [["old", 9]],
      [],
    ],
  ])("with a stack, one id has one holder: %s", (_name, yaml, state, errors) => {
    const dir = mkdtempSync(join(tmpdir(), "validate-"));
    writeFileSync(join(dir, "t.yaml"), `configurations:\n${yaml}`);
    const stack: StackInfo = {
      name: "prod",
      dir,
      config: {},
      secretKeys: new Set(),
      project: "voice",
      stateIds: new Map(state),
      otherTypes: [],
    };
    const result = validateDeclarations([dir], {}, stack);
    expect(result.problems.filter((p) => p.severity === "error").map((p) => p.message)).toEqual(errors);
    expect(result.valid).toBe(errors.length === 0);
  });
});

describe("what a stack read by the CLI resolves to", () => {
  const info = (config: Record<string, string>, secretKeys: string[] = []): StackInfo => ({
    name: "prod",
    dir: "/project",
    config,
    secretKeys: new Set(secretKeys),
    project: "voice",
    stateIds: new Map(),
    otherTypes: [],
  });

  it("reads telephony:declarations, one path or a list, relative to the project", () => {
    expect(declarationPaths(info({}))).toEqual(["/project/telephony"]);
    expect(declarationPaths(info({ "telephony:declarations": '["shared","prod-only"]' }))).toEqual([
      "/project/shared",
      "/project/prod-only",
    ]);
  });

  it("refuses a telephony:declarations set as a secret, without showing it", () => {
    const secret = info({ "telephony:declarations": "SECRET-PATH-1" }, ["telephony:declarations"]);
    expect(() => declarationPaths(secret)).toThrow(/telephony:declarations is set as a secret; paths are not secret/);
    expect(() => declarationPaths(secret)).not.toThrow(/SECRET-PATH-1/);
  });

  it("gives ${config:…} the project's plain values, refuses its secrets, and ${stack} the stack's own name", () => {
    const values = stackValues(
      info({ "voice:sipDomain": "sip.example.com", "voice:token": "t0k3n", "telephony:orgHandle": "o" }, [
        "voice:token",
      ]),
    );
    expect(values.name).toBe("prod");
    expect(values.config("sipDomain")).toEqual({ kind: "plain", value: "sip.example.com" });
    expect(values.config("token")).toEqual({ kind: "secret" });
    expect(values.config("orgHandle")).toEqual({ kind: "unset" });
  });
});

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["5", undefined],
    ["1d", undefined],
  ])("%s", (text, ms) => expect(parseDuration(text)).toBe(ms));
});
