// `drift-summary`: one table of drift across stacks, from the lines `drift --summary` wrote (one file
// per CI matrix job or CronJob run). A stack expected and without a line failed somewhere before it
// could say so: it is an error, never in sync. Pure.
import { parseSummaryLine, type ReportLine, type SummaryLine } from "./drift-summary.js";
// Names come from the API and from files anyone could write: no control character reaches a terminal.
import { cell, printable } from "./render.js";

/** A file given: its text, or why it could not be read. */
export type SummaryFile = { file: string; text: string } | { file: string; unreadable: string };

export type StackStatus = "in_sync" | "drift" | "error" | "no report" | "stale" | "not expected";

export interface StackRow {
  stack: string;
  status: StackStatus;
  /** The newest line for the stack; none for "no report". */
  line?: SummaryLine;
  file?: string;
}

export interface AcrossStacks {
  rows: StackRow[];
  /** Files, or lines of them, that are no summary of a stack: the stack they held shows as "no report". */
  problems: string[];
  /** 1 when any stack failed, had no report, a stale one or was not expected, or a file was unreadable; else 2 on drift; else 0. */
  exitCode: 0 | 1 | 2;
}

export interface AcrossStacksOptions {
  /** The clock to judge the lines' times by. */
  now?: Date;
  /** A stack whose newest line is older than this (milliseconds) is stale: its last run left no line. */
  maxAge?: number | undefined;
}

/** Clocks differ a little; a line dated further ahead than this is no run's (a wrong clock, or forged). */
const CLOCK_SKEW = 5 * 60_000;

export function acrossStacks(
  expected: string[],
  files: SummaryFile[],
  { now = new Date(), maxAge }: AcrossStacksOptions = {},
): AcrossStacks {
  const problems: string[] = [];
  const newest = new Map<string, { line: SummaryLine; file: string }>();
  for (const f of files) {
    if ("unreadable" in f) {
      problems.push(`${f.file}: ${f.unreadable}`);
      continue;
    }
    const lines = f.text.split("\n").filter((l) => l.trim());
    if (!lines.length) problems.push(`${f.file}: empty (the job wrote no summary line)`);
    lines.forEach((text, index) => {
      const line = parseSummaryLine(text);
      if ("invalid" in line) return void problems.push(`${f.file}:${index + 1}: ${line.invalid}`);
      if (line.stack === null)
        return void problems.push(`${f.file}:${index + 1}: names no stack (run drift with --stack)`);
      // The newest line wins: one dated ahead would hide every later run of its stack.
      if (Date.parse(line.time) > now.getTime() + CLOCK_SKEW)
        return void problems.push(
          `${f.file}:${index + 1}: dated ${line.time}, ahead of this clock (${now.toISOString()})`,
        );
      // A file may hold several runs of a stack (a CronJob's log): the newest says how it is now.
      const seen = newest.get(line.stack);
      if (!seen || Date.parse(line.time) >= Date.parse(seen.line.time)) newest.set(line.stack, { line, file: f.file });
    });
  }
  const wanted = [...new Set(expected)];
  const rows: StackRow[] = wanted.map((stack) => {
    const found = newest.get(stack);
    if (!found) return { stack, status: "no report" };
    // A CronJob's log keeps yesterday's line when today's run died before writing one.
    const stale = maxAge !== undefined && now.getTime() - Date.parse(found.line.time) > maxAge;
    return { stack, status: stale ? "stale" : found.line.status, ...found };
  });
  for (const [stack, found] of [...newest].sort(([a], [b]) => a.localeCompare(b)))
    if (!wanted.includes(stack)) rows.push({ stack, status: "not expected", ...found });
  const failed = problems.length > 0 || rows.some((r) => r.status !== "in_sync" && r.status !== "drift");
  return { rows, problems, exitCode: failed ? 1 : rows.some((r) => r.status === "drift") ? 2 : 0 };
}

function details(row: StackRow): string {
  if (row.status === "no report")
    return "no drift --summary line among the files: the job failed before writing it, or its file is missing";
  const line = row.line!;
  if (row.status === "stale")
    return `its newest line (${line.status}) is from ${line.time}, older than --max-age: the runs since left no line, or did not run`;
  const prefix = row.status === "not expected" ? "not among --stacks (add it, or remove its job); " : "";
  if (line.status === "error") return `${prefix}${line.error}`;
  const d = line.drifted;
  const parts = [
    d.changed.length ? `changed: ${d.changed.join(", ")}` : "",
    d.missing.length ? `missing: ${d.missing.join(", ")}` : "",
    d.removed.length ? `removed: ${d.removed.join(", ")}` : "",
    d.unmanaged.length ? `unmanaged: ${d.unmanaged.map((u) => `#${u.id} ${JSON.stringify(u.name)}`).join(", ")}` : "",
    line.omitted ? `${line.omitted} more` : "",
  ].filter(Boolean);
  return prefix + parts.join("; ");
}

const COUNTS = ["inSync", "changed", "missing", "removed", "unmanaged"] as const;
const HEADERS = ["stack", "status", "in sync", "changed", "missing", "removed", "unmanaged", "details"];

function cells(row: StackRow): string[] {
  const counts =
    row.line && row.line.status !== "error" && row.status !== "stale" ? (row.line as ReportLine).counts : undefined;
  const status = row.status === "not expected" && row.line ? `${row.line.status}, not expected` : row.status;
  return [row.stack, status, ...COUNTS.map((k) => (counts ? String(counts[k]) : "–")), details(row)].map(printable);
}

function tally(result: AcrossStacks): string {
  const n = (status: StackStatus) => result.rows.filter((r) => r.status === status).length;
  const failed = result.rows.length - n("in_sync") - n("drift");
  const verdict = result.exitCode === 1 ? "Failed" : result.exitCode === 2 ? "Drift" : "In sync";
  const kinds = n("stale") ? "an error, no report, stale, or not expected" : "an error, no report, or not expected";
  return `${verdict}. ${result.rows.length} stack${result.rows.length === 1 ? "" : "s"}: ${n("in_sync")} in sync, ${n("drift")} drift, ${failed} failed (${kinds})`;
}

/** Columns padded to line up, as a terminal or a log shows them. */
export function renderStacksText(result: AcrossStacks): string {
  const table = [HEADERS.map((h) => h.toUpperCase()), ...result.rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
  for (const problem of result.problems) lines.push(`unreadable: ${printable(problem)}`);
  lines.push(tally(result));
  return `${lines.join("\n")}\n`;
}

const MARK: Record<StackStatus, string> = {
  in_sync: "✅ in sync",
  drift: "⚠️ drift",
  error: "❌ error",
  "no report": "❌ no report",
  stale: "❌ stale",
  "not expected": "❌ not expected",
};

/** A Markdown table, for a CI job summary; every block ends with a blank line, as drift --markdown's. */
export function renderStacksMarkdown(result: AcrossStacks): string {
  const verdict = result.exitCode === 1 ? "❌ failed" : result.exitCode === 2 ? "⚠️ drift" : "✅ in sync";
  const rows = result.rows.map((row) => {
    const [stack, , ...rest] = cells(row);
    return `| ${cell(stack!)} | ${MARK[row.status]} | ${rest.map(cell).join(" | ")} |`;
  });
  const blocks = [
    [`### Telephony configurations across stacks: ${verdict}`],
    [tally(result)],
    [`| ${HEADERS.join(" | ")} |`, `|${" --- |".repeat(HEADERS.length)}`, ...rows],
  ];
  if (result.problems.length)
    blocks.push(
      ["Unreadable:"],
      result.problems.map((p) => `- ${cell(printable(p))}`),
    );
  return blocks.map((block) => `${block.join("\n")}\n\n`).join("");
}
