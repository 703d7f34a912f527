// drift --summary's line (one JSON line per run, for a log collector) and its reading back, table-driven.
import { describe, expect, it } from "vitest";
import {
  errorLine,
  MAX_LINE_BYTES,
  parseSummaryLine,
  reportLine,
  SUMMARY_KIND,
} from "../../src/gitops/drift-summary.js";
import type { ConfigurationDrift, DriftReport } from "../../src/gitops/report.js";

const TIME = new Date("2026-12-03T03:17:00.000Z");

const configuration = (key: string, status: ConfigurationDrift["status"]): ConfigurationDrift => ({
  key,
  declaredIn: "yaml",
  file: "telephony/main.yaml",
  line: 2,
  name: `${key} name`,
  provider: 3,
  id: status === "missing" ? null : 1,
  matchedBy: status === "missing" ? null : "state",
  status,
  replaces: false,
  // A field's value and a secret's status: neither may reach the line.
  changes:
    status === "changed" ? [{ field: "sipUrl", declared: "sip:declared.example", live: "sip:live.example" }] : [],
  secrets: { apiKey: status === "changed" ? "changed" : "unchanged", apiSecret: "not-declared" },
});

function report(parts: {
  inSync?: string[];
  changed?: string[];
  missing?: string[];
  removed?: string[];
  unmanaged?: Array<{ id: number; name: string }>;
}): DriftReport {
  const configurations = [
    ...(parts.inSync ?? []).map((k) => configuration(k, "in-sync")),
    ...(parts.changed ?? []).map((k) => configuration(k, "changed")),
    ...(parts.missing ?? []).map((k) => configuration(k, "missing")),
  ];
  const removed = (parts.removed ?? []).map((key, i) => ({
    key,
    id: 100 + i,
    name: "Old",
    provider: 2,
    live: true,
    heldBy: null,
  }));
  const unmanaged = (parts.unmanaged ?? []).map((u) => ({ ...u, provider: 6 }));
  const n = (list?: unknown[]) => list?.length ?? 0;
  return {
    version: 4,
    inSync: n(parts.changed) + n(parts.missing) + n(parts.removed) + n(parts.unmanaged) === 0,
    summary: {
      declared: configurations.length,
      declaredInCode: 0,
      inSync: n(parts.inSync),
      changed: n(parts.changed),
      replaces: 0,
      missing: n(parts.missing),
      removed: n(parts.removed),
      unmanaged: n(parts.unmanaged),
      ignored: 0,
      managedElsewhere: 0,
    },
    configurations,
    removed,
    unmanaged,
    managedElsewhere: [],
  };
}

describe("reportLine", () => {
  it.each([
    {
      case: "in sync",
      report: report({ inSync: ["a", "b"] }),
      stack: "prod",
      line: {
        status: "in_sync",
        exitCode: 0,
        counts: { inSync: 2, changed: 0, missing: 0, removed: 0, unmanaged: 0 },
        drifted: { changed: [], missing: [], removed: [], unmanaged: [] },
        omitted: 0,
      },
    },
    {
      case: "every kind of drift, by key (unmanaged by id and name)",
      report: report({
        inSync: ["a"],
        changed: ["twilio-support"],
        missing: ["jio"],
        removed: ["old-jio"],
        unmanaged: [{ id: 7, name: "Console Trunk" }],
      }),
      stack: "prod",
      line: {
        status: "drift",
        exitCode: 2,
        counts: { inSync: 1, changed: 1, missing: 1, removed: 1, unmanaged: 1 },
        drifted: {
          changed: ["twilio-support"],
          missing: ["jio"],
          removed: ["old-jio"],
          unmanaged: [{ id: 7, name: "Console Trunk" }],
        },
        omitted: 0,
      },
    },
    {
      case: "files compared without a stack",
      report: report({ unmanaged: [{ id: 3, name: "By Hand" }] }),
      stack: null,
      line: { stack: null, status: "drift", exitCode: 2, counts: { unmanaged: 1 } },
    },
  ])("$case", ({ report: r, stack, line }) => {
    const text = reportLine(r, stack, TIME);
    expect(text).not.toContain("\n");
    expect(JSON.parse(text)).toMatchObject({
      kind: SUMMARY_KIND,
      version: 1,
      time: "2026-12-03T03:17:00.000Z",
      stack,
      ...line,
    });
    // No field's value, no secret's status: only keys and counts.
    expect(text).not.toMatch(/sip:|declared\.example|"apiKey"|"changed":"/);
    expect(parseSummaryLine(text)).toEqual(JSON.parse(text));
  });

  it.each([
    {
      case: "a thousand changed keys",
      parts: { changed: Array.from({ length: 1000 }, (_, i) => `configuration-${i}`) },
    },
    {
      case: "long names",
      parts: { unmanaged: Array.from({ length: 200 }, (_, i) => ({ id: i, name: "ü".repeat(300) })) },
    },
    { case: "names of control characters (six bytes each in JSON)", parts: { missing: ["\u0001".repeat(3000)] } },
  ])("$case: the line stays under MAX_LINE_BYTES, counts exact, the rest counted in omitted", ({ parts }) => {
    const r = report(parts);
    const text = reportLine(r, "prod", TIME);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    const line = JSON.parse(text);
    const total = r.configurations.length + r.unmanaged.length;
    const named = Object.values(line.drifted as Record<string, unknown[]>).reduce((n, list) => n + list.length, 0);
    expect(line.omitted).toBeGreaterThan(0);
    expect(named + line.omitted).toBe(total);
    expect(Object.values(line.counts as Record<string, number>).reduce((a, b) => a + b)).toBe(total);
  });
});

describe("errorLine", () => {
  it.each([
    {
      case: "an API error",
      message: "401 Unauthorized — Invalid token (GET http://127.0.0.1:4000/api/v2/…): check telephony:apiToken",
      error: "401 Unauthorized — Invalid token (GET http://127.0.0.1:4000/api/v2/…): check telephony:apiToken",
    },
    {
      case: "invalid declarations, several lines",
      message: "invalid declarations:\n  a.yaml:2:6: configurations.a: missing required field provider",
      error: "invalid declarations:\n  a.yaml:2:6: configurations.a: missing required field provider",
    },
    {
      case: "a usage error: the message, not the help after it",
      message: "drift needs a file or directory, or --stack\n\nUsage: telephony-config drift …",
      error: "drift needs a file or directory, or --stack",
    },
  ])("$case", ({ message, error }) => {
    const text = errorLine(message, "prod", TIME);
    expect(text).not.toContain("\n");
    expect(JSON.parse(text)).toEqual({
      kind: SUMMARY_KIND,
      version: 1,
      time: "2026-12-03T03:17:00.000Z",
      stack: "prod",
      status: "error",
      exitCode: 1,
      error,
    });
    expect(parseSummaryLine(text)).toEqual(JSON.parse(text));
  });

  it.each(["x".repeat(20_000), "\u0002".repeat(5000), "😀".repeat(5000)])(
    "a long message is cut to fit (%#)",
    (message) => {
      const text = errorLine(message, "prod", TIME);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_LINE_BYTES);
      expect(JSON.parse(text).error).toMatch(/…$/);
    },
  );
});

describe("parseSummaryLine", () => {
  const good = JSON.parse(reportLine(report({ changed: ["a"] }), "prod", TIME));
  it.each([
    ["not JSON", "{", "not JSON"],
    ["a drift --json report", JSON.stringify(report({})), "not a drift --summary line"],
    ["another version", JSON.stringify({ ...good, version: 2 }), "version 2 of the summary line"],
    ["no time", JSON.stringify({ ...good, time: "yesterday" }), "no valid time"],
    ["a stack that is not a string", JSON.stringify({ ...good, stack: 3 }), "no stack"],
    ["an unknown status", JSON.stringify({ ...good, status: "ok" }), "an unknown status"],
    ["exit code 0 for drift", JSON.stringify({ ...good, exitCode: 0 }), "an exit code that is not its status's"],
    [
      "in sync with a change counted",
      JSON.stringify({ ...good, status: "in_sync", exitCode: 0 }),
      "contradict its status",
    ],
    ["counts missing", JSON.stringify({ ...good, counts: { changed: 1 } }), "malformed counts"],
    ["names not strings", JSON.stringify({ ...good, drifted: { ...good.drifted, changed: [1] } }), "malformed names"],
    ["an error without its message", JSON.stringify({ ...good, status: "error", exitCode: 1 }), "a malformed error"],
  ])("%s: refused, without repeating the line", (_case, text, reason) => {
    const parsed = parseSummaryLine(text);
    expect(parsed).toEqual({ invalid: expect.stringContaining(reason) });
  });
});
