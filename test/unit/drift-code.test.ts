// drift with a stack whose program also declares configurations in code, replacements said as such,
// and the renderers' Markdown in every combination of what a report holds.
import { describe, expect, it } from "vitest";
import type { Configuration } from "../../src/client/contract.js";
import type { Declaration } from "../../src/declarations/declaration.js";
import { compare } from "../../src/gitops/compare.js";
import { renderMarkdown, renderText, type Applied } from "../../src/gitops/render.js";
import type { DriftReport } from "../../src/gitops/report.js";
import type { StateSecret } from "../../src/gitops/stack.js";
import { markEntry, type DeclaredValues } from "../../src/model/index.js";
import { live, declared as declaredIn } from "../helpers/configurations.js";

const declared = (over: Partial<Declaration> & { key: string }) => declaredIn(over, "telephony/main.yaml");
const noSecrets = { secretValue: () => undefined };
/** Stack voice/prod, whose state holds `state` (key → id), of which `code` are declared in its code. */
const stack = (state: Array<[string, number]>, code: Record<string, DeclaredValues<StateSecret>> = {}) => ({
  stack: { id: "voice/prod", stateIds: new Map(state), declaredInCode: new Map(Object.entries(code)) },
});

describe("drift --stack: resources declared in code are compared through the state, not called removed", () => {
  it.each<[string, Configuration, DeclaredValues<StateSecret>, Record<string, unknown>]>([
    [
      "in sync with what its last update declared",
      live({ id: 7, name: "Code Made", provider: 4, sip_url: "sip:a.example.com" }),
      { name: "Code Made", provider: 4, sipUrl: "sip:a.example.com" },
      { status: "in-sync", changes: [], secrets: { apiKey: "not-declared", apiSecret: "not-declared" } },
    ],
    [
      "changed by hand, field by field; its encrypted secret not compared",
      live({ id: 7, name: "Renamed", provider: 4, api_secret: "live-secret" }),
      { name: "Code Made", provider: 4, apiSecret: "encrypted" },
      {
        status: "changed",
        replaces: false,
        changes: [{ field: "name", declared: "Code Made", live: "Renamed" }],
        secrets: { apiKey: "not-declared", apiSecret: "not-compared" },
      },
    ],
    [
      "a meta changed: up replaces it",
      live({ id: 7, name: "Code Made", meta_json: [{ meta_key: "team", meta_value: "a" }] }),
      { name: "Code Made", provider: 3, meta: { team: "b" } },
      { status: "changed", replaces: true },
    ],
  ])("%s", (_name, configuration, values, expected) => {
    const report = compare([declared({ key: "yaml-made" })], [live({ id: 1, name: "yaml-made" }), configuration], {
      ...stack(
        [
          ["yaml-made", 1],
          ["code-made", 7],
        ],
        { "code-made": values },
      ),
      ...noSecrets,
    });
    expect(report.configurations[1]).toMatchObject({
      key: "code-made",
      declaredIn: "code",
      file: null,
      line: null,
      id: 7,
      matchedBy: "state",
      ...expected,
    });
    expect(report.removed).toEqual([]);
    expect(report.summary).toMatchObject({ declared: 2, declaredInCode: 1, removed: 0 });
    expect(report.inSync).toBe(expected.status === "in-sync");
  });

  it("gone live: missing, since up --refresh creates it again", () => {
    const report = compare([], [], {
      ...stack([["code-made", 7]], { "code-made": { name: "C", provider: 4 } }),
      ...noSecrets,
    });
    expect(report.configurations).toMatchObject([
      {
        key: "code-made",
        declaredIn: "code",
        status: "missing",
        id: null,
        hint: expect.stringMatching(/no longer exists/),
      },
    ]);
    expect(report.inSync).toBe(false);
  });

  it("a key not told to be code is removed, as before; --ignore still leaves a code key out; the files' own key wins", () => {
    const code = { "code-made": { name: "Code Made", provider: 4 } };
    const state: Array<[string, number]> = [
      ["code-made", 7],
      ["old-yaml", 8],
    ];
    const configurations = [live({ id: 7, name: "Code Made", provider: 4 }), live({ id: 8, name: "Old" })];
    const report = compare([], configurations, { ...stack(state, code), ...noSecrets });
    expect(report.removed.map((r) => r.key)).toEqual(["old-yaml"]);
    const ignored = compare([], configurations, { ...stack(state, code), ...noSecrets, ignore: ["code-made"] });
    expect(ignored.configurations).toEqual([]);
    expect(ignored.removed.map((r) => r.key)).toEqual(["old-yaml"]);
    // Moved from code to the files: the declaration holds it.
    const moved = compare([declared({ key: "code-made", name: "Code Made", provider: 4 })], configurations, {
      ...stack(state, code),
      ...noSecrets,
    });
    expect(moved.configurations.map((c) => [c.key, c.declaredIn, c.status])).toEqual([
      ["code-made", "yaml", "in-sync"],
    ]);
  });

  it("a declaration importing what code holds is told who holds it", () => {
    const report = compare(
      [declared({ key: "again", importId: 7 })],
      [live({ id: 7, name: "Code Made", provider: 4 })],
      { ...stack([["code-made", 7]], { "code-made": { name: "Code Made", provider: 4 } }), ...noSecrets },
    );
    expect(report.configurations[0]).toMatchObject({
      key: "again",
      status: "missing",
      hint: "import 7 is held by code-made",
    });
    expect(report.unmanaged).toEqual([]);
  });
});

describe("a change up carries out as a replacement is reported as one", () => {
  it.each<[string, Partial<Configuration>, boolean]>([
    ["another provider", { provider: 4 }, true],
    ["other meta", { meta_json: [{ meta_key: "k", meta_value: "v" }] }, true],
    ["another name", { name: "b" }, false],
    ["deactivated", { active: false }, false],
  ])("%s: replaces %s", (_name, change, replaces) => {
    const report = compare([declared({ key: "a", importId: 1 })], [live({ id: 1, name: "a", ...change })], noSecrets);
    expect(report.configurations[0]).toMatchObject({ status: "changed", replaces });
    expect(report.summary.replaces).toBe(replaces ? 1 : 0);
    const text = renderText(report);
    const md = renderMarkdown(report);
    for (const out of [text, md]) expect(out.includes("`pulumi up` replaces it")).toBe(replaces);
    expect(text.includes("(up replaces 1)")).toBe(replaces);
  });
});

describe("renderers", () => {
  const report = compare(
    [declared({ key: "twilio", meta: { team: "b" } }), declared({ key: "jio", provider: 2 })],
    [
      live({ id: 1, name: "twilio", meta_json: [{ meta_key: "team", meta_value: "a" }] }),
      live({ id: 2, name: "jio", provider: 2 }),
      live({ id: 7, name: "Code Made (renamed)", provider: 4 }),
    ],
    {
      ...stack(
        [
          ["twilio", 1],
          ["jio", 2],
          ["code-made", 7],
        ],
        { "code-made": { name: "Code Made", provider: 4, apiSecret: "encrypted" } },
      ),
      ...noSecrets,
    },
  );

  it("text: a code-declared resource, where each is declared, and what up replaces", () => {
    expect(renderText(report, { color: false }, { applied: { update: 1, replace: 1, same: 1 } })).toBe(
      [
        "changed  twilio #1 (telephony/main.yaml:2), matched by state",
        "           `pulumi up` replaces it (provider and meta cannot change in place)",
        '           meta: {"team":"a"} (live) → {"team":"b"} (declared)',
        "in sync  jio #2",
        "changed  code-made #7 (declared in code), compared with what its last update declared",
        '           name: "Code Made (renamed)" (live) → "Code Made" (declared)',
        "note: secrets not compared for code-made, declared in code (the stack's state holds them encrypted)",
        "Drift. 3 declared (1 in code): 1 in sync, 2 changed (up replaces 1), 0 missing; 0 removed; 0 unmanaged",
        "applied: 1 update, 1 replace, 1 same",
        "",
      ].join("\n"),
    );
  });

  it("markdown: the same, in a table", () => {
    const md = renderMarkdown(report);
    expect(md).toContain(
      '| `twilio` | 1 | changed | `pulumi up` replaces it (provider and meta cannot change in place)<br>meta: {"team":"a"} (live) → {"team":"b"} (declared) |',
    );
    expect(md).toContain(
      '| `code-made` (in code) | 7 | changed | name: "Code Made (renamed)" (live) → "Code Made" (declared) |',
    );
  });
});

/**
 * The Markdown blocks of `md`, checked: blocks are separated by a blank line, and a block is a heading,
 * a table whose every row has the header's cells, a list, or a paragraph — never a mix, which is how a
 * line written right under a table or a list becomes part of it.
 */
function markdownBlocks(md: string): string[] {
  expect(md.endsWith("\n\n")).toBe(true);
  const blocks = md.slice(0, -2).split("\n\n");
  const cells = (row: string) => row.replaceAll("\\|", "").split("|").length;
  for (const block of blocks) {
    const lines = block.split("\n");
    expect(lines.every((l) => l.trim() !== "")).toBe(true);
    if (lines[0]!.startsWith("#")) expect(lines).toHaveLength(1);
    else if (lines[0]!.startsWith("|")) {
      expect(lines[1]).toMatch(/^\| --- (\| --- )*\|$/);
      for (const row of lines)
        expect([row.startsWith("|") && row.endsWith("|"), cells(row)]).toEqual([true, cells(lines[0]!)]);
    } else if (lines[0]!.startsWith("- ")) for (const item of lines) expect(item).toMatch(/^- /);
    else for (const line of lines) expect(line).not.toMatch(/^(\||- |#|\d+\. )/);
  }
  return blocks;
}

describe("--markdown is valid Markdown in every combination", () => {
  // Each part a report may hold, on or off: 2^7 combinations, with and without what --apply did.
  const parts = {
    inSync: { declarations: [declared({ key: "same" })], live: [live({ id: 1, name: "same" })], state: [["same", 1]] },
    changed: {
      declarations: [declared({ key: "chg", name: "Chg | pipe <b>" })],
      live: [live({ id: 2, name: "Chg", provider: 4 })],
      state: [["chg", 2]],
    },
    missing: { declarations: [declared({ key: "new" })], live: [], state: [] },
    removed: { declarations: [], live: [live({ id: 4, name: "Old" })], state: [["old", 4]] },
    unmanaged: { declarations: [], live: [live({ id: 5, name: "Hand | *made* <i>" })], state: [] },
    elsewhere: {
      declarations: [],
      live: [
        live({ id: 6, name: "Theirs", meta_json: [markEntry({ stack: "voice/staging", resource: "t", create: "n" })] }),
      ],
      state: [],
    },
    code: { declarations: [], live: [live({ id: 8, name: "Code", provider: 4 })], state: [["code", 8]] },
  } as const;
  const names = Object.keys(parts) as Array<keyof typeof parts>;
  const combinations = Array.from({ length: 2 ** names.length }, (_, n) => names.filter((_, i) => n & (1 << i)));

  it.each(combinations.flatMap((on) => [[on, undefined] as const, [on, { update: 1, same: 2 }] as const]))(
    "%j, applied %j",
    (on, applied: Applied | undefined) => {
      const chosen = on.map((name) => parts[name]);
      const report: DriftReport = compare(
        chosen.flatMap((p) => p.declarations),
        chosen.flatMap((p) => p.live),
        {
          stack: {
            id: "voice/prod",
            stateIds: new Map(chosen.flatMap((p) => p.state as ReadonlyArray<readonly [string, number]>)),
            declaredInCode: new Map(
              on.includes("code") ? [["code", { name: "Code", provider: 4, apiKey: "encrypted" as const }]] : [],
            ),
          },
          secretValue: () => undefined,
        },
      );
      const blocks = markdownBlocks(renderMarkdown(report, { applied }));
      expect(blocks[0]).toMatch(/^### Telephony configurations: /);
      if (applied) expect(blocks.at(-1)).toBe("applied: 1 update, 2 same");
      // Whatever follows (the next pass, `stopped`) is a paragraph of its own.
      markdownBlocks(`${renderMarkdown(report, { applied })}stopped\n\n`);
    },
  );
});
