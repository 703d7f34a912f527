// `drift --summary`: one line of JSON per run, for a log collector or an alert (a CronJob's log, a CI
// artifact), and the reading of such a line back (`drift-summary`, across stacks). Pure.
//
// The line names what drifted by key (a live configuration no one declares, by id and name), never a
// field's value: no secret, and nothing a log pipeline should have to scrub.
import { exitCodeFor, type DriftReport } from "./report.js";

/** What every line carries first, so that a log query (or `drift-summary`) can tell it from other lines. */
export const SUMMARY_KIND = "telephony-config/drift";
/** Changes if a field changes meaning. */
export const SUMMARY_VERSION = 1;
/**
 * Under half of the 16 KiB at which container runtimes (CRI, Docker's json-file) split a log line: a
 * collector gets the line whole. Names past it are counted in `omitted`, never the counts.
 */
export const MAX_LINE_BYTES = 8192;

export type SummaryStatus = "in_sync" | "drift" | "error";

export interface DriftCounts {
  inSync: number;
  changed: number;
  missing: number;
  removed: number;
  unmanaged: number;
}

export interface Drifted {
  /** Declaration keys. */
  changed: string[];
  missing: string[];
  removed: string[];
  /** Live, neither declared nor in the stack: named by the API's id and name. */
  unmanaged: Array<{ id: number; name: string }>;
}

interface LineBase {
  kind: typeof SUMMARY_KIND;
  version: typeof SUMMARY_VERSION;
  /** When the run ended, ISO 8601 UTC. */
  time: string;
  /** The stack compared (`--stack`); null for files compared without one. */
  stack: string | null;
}

export interface ReportLine extends LineBase {
  status: "in_sync" | "drift";
  exitCode: 0 | 2;
  counts: DriftCounts;
  drifted: Drifted;
  /** Names left out of `drifted` to keep the line under MAX_LINE_BYTES. */
  omitted: number;
}

export interface ErrorLine extends LineBase {
  status: "error";
  exitCode: 1;
  /** The error's message, as the CLI says it on stderr (without the usage that may follow it). */
  error: string;
}

export type SummaryLine = ReportLine | ErrorLine;

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** The line for a report: counts in full, names as many as fit. */
export function reportLine(report: DriftReport, stack: string | null, time: Date): string {
  const { summary: s } = report;
  const all: Drifted = {
    changed: report.configurations.filter((c) => c.status === "changed").map((c) => c.key),
    missing: report.configurations.filter((c) => c.status === "missing").map((c) => c.key),
    removed: report.removed.map((r) => r.key),
    unmanaged: report.unmanaged.map((u) => ({ id: u.id, name: u.name })),
  };
  const total = all.changed.length + all.missing.length + all.removed.length + all.unmanaged.length;
  const line: ReportLine = {
    kind: SUMMARY_KIND,
    version: SUMMARY_VERSION,
    time: time.toISOString(),
    stack,
    status: report.inSync ? "in_sync" : "drift",
    exitCode: exitCodeFor(report),
    counts: { inSync: s.inSync, changed: s.changed, missing: s.missing, removed: s.removed, unmanaged: s.unmanaged },
    drifted: { changed: [], missing: [], removed: [], unmanaged: [] },
    // The largest it can be while sizing, so the final count never makes the line longer.
    omitted: total,
  };
  // Each name costs its JSON and a comma; names go in, in the report's order, until one does not fit.
  let size = bytes(line);
  let kept = 0;
  fill: for (const kind of ["changed", "missing", "removed", "unmanaged"] as const) {
    for (const name of all[kind]) {
      const cost = bytes(name) + 1;
      if (size + cost > MAX_LINE_BYTES) break fill;
      (line.drifted[kind] as unknown[]).push(name);
      size += cost;
      kept++;
    }
  }
  line.omitted = total - kept;
  return JSON.stringify(line);
}

/** The line for a run that failed: the message up to the usage text that may follow it, cut to fit. */
export function errorLine(message: string, stack: string | null, time: Date): string {
  const line: ErrorLine = {
    kind: SUMMARY_KIND,
    version: SUMMARY_VERSION,
    time: time.toISOString(),
    stack,
    status: "error",
    exitCode: 1,
    error: message.split("\n\n")[0]!.trimEnd(),
  };
  // The stack is whatever followed --stack, read before anything checked it: no real one is longer
  // than a quarter of the line, and one that is gets cut first, so that the message has room (and the
  // loop below an end). Escapes can make a character cost up to six bytes: cut by the excess until it fits.
  const cut = (text: string, excess: number) => `${text.slice(0, Math.max(0, text.length - excess - 1))}…`;
  for (let excess = bytes(stack) - MAX_LINE_BYTES / 4; excess > 0; excess = bytes(line.stack) - MAX_LINE_BYTES / 4)
    line.stack = cut(line.stack!, excess);
  for (let excess = bytes(line) - MAX_LINE_BYTES; excess > 0; excess = bytes(line) - MAX_LINE_BYTES)
    line.error = cut(line.error, excess);
  return JSON.stringify(line);
}

const COUNTED = ["inSync", "changed", "missing", "removed", "unmanaged"] as const;
const isCount = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
const isStrings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === "string");

/**
 * A line of `drift --summary` read back, or the reason it is not one (the line itself is never
 * repeated: whatever a file holds stays out of the messages).
 */
export function parseSummaryLine(text: string): SummaryLine | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { invalid: "not JSON" };
  }
  const line = value as { [field: string]: unknown } | null;
  if (!line || typeof line !== "object" || line.kind !== SUMMARY_KIND)
    return { invalid: `not a drift --summary line (no "kind": "${SUMMARY_KIND}")` };
  if (line.version !== SUMMARY_VERSION)
    return {
      invalid: `version ${String(line.version)} of the summary line (this telephony-config reads ${SUMMARY_VERSION})`,
    };
  if (typeof line.time !== "string" || Number.isNaN(Date.parse(line.time))) return { invalid: "no valid time" };
  if (line.stack !== null && typeof line.stack !== "string") return { invalid: "no stack" };
  if (line.status === "error")
    return line.exitCode === 1 && typeof line.error === "string"
      ? (line as unknown as ErrorLine)
      : { invalid: "a malformed error" };
  if (line.status !== "in_sync" && line.status !== "drift") return { invalid: "an unknown status" };
  if (line.exitCode !== (line.status === "in_sync" ? 0 : 2))
    return { invalid: "an exit code that is not its status's" };
  const counts = line.counts as DriftCounts | undefined;
  if (!counts || !COUNTED.every((k) => isCount(counts[k]))) return { invalid: "malformed counts" };
  const drifts = counts.changed + counts.missing + counts.removed + counts.unmanaged;
  if ((line.status === "in_sync") !== (drifts === 0)) return { invalid: "counts that contradict its status" };
  const d = line.drifted as Partial<Drifted> | undefined;
  const unmanagedOk =
    Array.isArray(d?.unmanaged) && d.unmanaged.every((u) => Number.isInteger(u?.id) && typeof u?.name === "string");
  if (
    !d ||
    !isStrings(d.changed) ||
    !isStrings(d.missing) ||
    !isStrings(d.removed) ||
    !unmanagedOk ||
    !isCount(line.omitted)
  )
    return { invalid: "malformed names of what drifted" };
  return line as unknown as ReportLine;
}
