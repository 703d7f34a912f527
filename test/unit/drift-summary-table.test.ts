// drift-summary across stacks, table-driven: a stack that failed, or wrote nothing, never passes as in sync.
import { describe, expect, it } from "vitest";
import { errorLine, reportLine } from "../../src/gitops/drift-summary.js";
import {
  acrossStacks,
  renderStacksMarkdown,
  renderStacksText,
  type SummaryFile,
} from "../../src/gitops/drift-summary-table.js";
import type { DriftReport } from "../../src/gitops/report.js";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 3, minute));

function report(changed: string[], unmanaged: Array<{ id: number; name: string }> = []): DriftReport {
  return {
    version: 4,
    inSync: changed.length + unmanaged.length === 0,
    summary: {
      declared: changed.length + 2,
      declaredInCode: 0,
      inSync: 2,
      changed: changed.length,
      replaces: 0,
      missing: 0,
      removed: 0,
      unmanaged: unmanaged.length,
      ignored: 0,
      managedElsewhere: 0,
    },
    configurations: changed.map((key) => ({
      key,
      declaredIn: "yaml",
      file: "t.yaml",
      line: 1,
      name: key,
      provider: 3,
      id: 1,
      matchedBy: "state",
      status: "changed",
      replaces: false,
      changes: [],
      secrets: { apiKey: "unchanged", apiSecret: "unchanged" },
    })),
    removed: [],
    unmanaged: unmanaged.map((u) => ({ ...u, provider: 3 })),
    managedElsewhere: [],
  };
}

const inSync = (stack: string, minute = 0) => reportLine(report([]), stack, at(minute));
const drifted = (stack: string, keys = ["twilio-support"]) => reportLine(report(keys), stack, at(0));
const failed = (stack: string) => errorLine("401 Unauthorized — Invalid token", stack, at(0));
const file = (name: string, ...lines: string[]): SummaryFile => ({ file: name, text: `${lines.join("\n")}\n` });

describe("acrossStacks", () => {
  it.each([
    {
      case: "every stack in sync",
      expected: ["eu", "us"],
      files: [file("eu.json", inSync("eu")), file("us.json", inSync("us"))],
      statuses: ["eu in_sync", "us in_sync"],
      problems: [],
      exitCode: 0,
    },
    {
      case: "one drifted",
      expected: ["eu", "us"],
      files: [file("eu.json", drifted("eu")), file("us.json", inSync("us"))],
      statuses: ["eu drift", "us in_sync"],
      problems: [],
      exitCode: 2,
    },
    {
      case: "one drifted, one failed: the failure wins",
      expected: ["eu", "us"],
      files: [file("eu.json", drifted("eu")), file("us.json", failed("us"))],
      statuses: ["eu drift", "us error"],
      problems: [],
      exitCode: 1,
    },
    {
      case: "a stack's file is missing: named, not in sync",
      expected: ["eu", "us", "staging"],
      files: [
        file("eu.json", inSync("eu")),
        { file: "us.json", unreadable: "no such file" },
        file("staging.json", inSync("staging")),
      ],
      statuses: ["eu in_sync", "us no report", "staging in_sync"],
      problems: ["us.json: no such file"],
      exitCode: 1,
    },
    {
      case: "no file at all for a stack expected",
      expected: ["eu", "us"],
      files: [file("eu.json", inSync("eu"))],
      statuses: ["eu in_sync", "us no report"],
      problems: [],
      exitCode: 1,
    },
    {
      case: "an empty file (the job died before drift printed)",
      expected: ["eu"],
      files: [file("eu.json")],
      statuses: ["eu no report"],
      problems: ["eu.json: empty (the job wrote no summary line)"],
      exitCode: 1,
    },
    {
      case: "a line that is no summary (a drift --json report)",
      expected: ["eu"],
      files: [file("eu.json", inSync("eu"), "{}")],
      statuses: ["eu in_sync"],
      problems: ['eu.json:2: not a drift --summary line (no "kind": "telephony-config/drift")'],
      exitCode: 1,
    },
    {
      case: "a stack not expected: the list is out of date",
      expected: ["eu"],
      files: [file("all.json", inSync("eu"), inSync("new"))],
      statuses: ["eu in_sync", "new not expected"],
      problems: [],
      exitCode: 1,
    },
    {
      case: "a line without a stack",
      expected: ["eu"],
      files: [file("eu.json", inSync("eu"), reportLine(report([]), null, at(0)))],
      statuses: ["eu in_sync"],
      problems: ["eu.json:2: names no stack (run drift with --stack)"],
      exitCode: 1,
    },
    {
      case: "several runs of a stack (a CronJob's log): the newest counts, whatever the order",
      expected: ["eu"],
      files: [file("log.txt", inSync("eu", 30), reportLine(report(["a"]), "eu", at(10)))],
      statuses: ["eu in_sync"],
      problems: [],
      exitCode: 0,
    },
    {
      case: "a log whose newest line is a day old, with a maximum age: stale, a failure",
      expected: ["eu", "us"],
      files: [file("log.txt", inSync("eu", -1440), inSync("us", 50))],
      options: { maxAge: 25 * 3_600_000 - 1 },
      statuses: ["eu stale", "us in_sync"],
      problems: [],
      exitCode: 1,
    },
    {
      case: "the same log within the maximum age",
      expected: ["eu", "us"],
      files: [file("log.txt", inSync("eu", -1440), inSync("us", 50))],
      options: { maxAge: 25 * 3_600_000 },
      statuses: ["eu in_sync", "us in_sync"],
      problems: [],
      exitCode: 0,
    },
    {
      case: "a line dated ahead of the clock (forged, or a wrong clock) cannot hide the newest run",
      expected: ["eu"],
      files: [file("eu.json", drifted("eu"), inSync("eu", 66))],
      statuses: ["eu drift"],
      problems: ["eu.json:2: dated 2026-12-03T04:06:00.000Z, ahead of this clock (2026-12-03T04:00:00.000Z)"],
      exitCode: 1,
    },
  ])("$case", ({ expected, files, options, statuses, problems, exitCode }) => {
    // The clock an hour after the runs, from 03:00: a day old is 25 hours.
    const result = acrossStacks(expected, files, { now: at(60), ...options });
    expect(result.rows.map((r) => `${r.stack} ${r.status}`)).toEqual(statuses);
    expect(result.problems).toEqual(problems);
    expect(result.exitCode).toBe(exitCode);
  });
});

describe("rendering", () => {
  const result = acrossStacks(
    ["prod-eu", "prod-us", "staging", "dev"],
    [
      file("eu.json", drifted("prod-eu", ["twilio-support", "jio"])),
      file("us.json", inSync("prod-us")),
      file("staging.json", failed("staging")),
      { file: "dev.json", unreadable: "no such file" },
    ],
  );

  it("text: one row per stack, aligned, then the tally", () => {
    expect(renderStacksText(result)).toBe(
      [
        "STACK    STATUS     IN SYNC  CHANGED  MISSING  REMOVED  UNMANAGED  DETAILS",
        "prod-eu  drift      2        2        0        0        0          changed: twilio-support, jio",
        "prod-us  in_sync    2        0        0        0        0",
        "staging  error      –        –        –        –        –          401 Unauthorized — Invalid token",
        "dev      no report  –        –        –        –        –          no drift --summary line among the files: the job failed before writing it, or its file is missing",
        "unreadable: dev.json: no such file",
        "Failed. 4 stacks: 1 in sync, 1 drift, 2 failed (an error, no report, or not expected)",
        "",
      ].join("\n"),
    );
  });

  it("Markdown: a heading, the tally, one table; each block ends with a blank line", () => {
    const md = renderStacksMarkdown(result);
    expect(md).toMatch(/^### Telephony configurations across stacks: ❌ failed\n\n/);
    expect(md).toContain("| stack | status | in sync | changed | missing | removed | unmanaged | details |\n| --- |");
    expect(md).toContain("| prod-eu | ⚠️ drift | 2 | 2 | 0 | 0 | 0 | changed: twilio-support, jio |");
    expect(md).toContain("| dev | ❌ no report | – | – | – | – | – | no drift --summary line");
    expect(md).toMatch(/\n\nUnreadable:\n\n- dev\.json: no such file\n\n$/);
  });

  it("names from the API cannot break the table or drive a terminal", () => {
    const hostile = acrossStacks(
      ["eu"],
      [file("eu.json", reportLine(report([], [{ id: 9, name: "a|b<script>\u001b[31m" }]), "eu", at(0)))],
    );
    expect(renderStacksMarkdown(hostile)).toContain('unmanaged: #9 "a\\|b&lt;script&gt;\\u001b[31m" |');
    expect(renderStacksText(hostile)).not.toContain("\u001b");
  });

  it("nor can keys, stacks and error messages, which the table shows as they are", () => {
    const hostile = acrossStacks(
      ["eu\u001b[2J", "us"],
      [
        file("eu.json", reportLine(report(["key\u001b]0;title\u0007"]), "eu\u001b[2J", at(0))),
        file("us.json", errorLine("401 \u001b[31mUnauthorized\u009b", "us", at(0))),
      ],
    );
    for (const text of [renderStacksText(hostile), renderStacksMarkdown(hostile)]) {
      // eslint-disable-next-line no-control-regex -- control characters (but newlines) are what must not be there
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(text).toContain("key?]0;title?");
      expect(text).toContain("401 ?[31mUnauthorized?");
    }
  });
});
