// Renderers of the drift report: plain text for terminals, Markdown for CI job summaries and PR
// comments. JSON is the report itself. Pure.
import { SECRET_INPUTS } from "../model/index.js";
import type {
  ConfigurationDrift,
  DriftReport,
  FieldChange,
  RemovedConfiguration,
  UnmanagedConfiguration,
} from "./report.js";

export interface TextStyle {
  color: boolean;
}

const show = (value: unknown) => JSON.stringify(value);
// Marks and hints carry text anyone with the API could write: no control character reaches a terminal.
// eslint-disable-next-line no-control-regex -- control characters are what it replaces
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
const changeText = (c: FieldChange) => `${c.field}: ${show(c.live)} (live) → ${show(c.declared)} (declared)`;
const secretChanges = (c: ConfigurationDrift) =>
  SECRET_INPUTS.filter((s) => c.secrets[s] === "changed").map((s) => `${s}: changed (secret)`);

function summaryLine(report: DriftReport): string {
  const s = report.summary;
  const ignored = s.ignored ? ` (${s.ignored} left out)` : "";
  const elsewhere = s.managedElsewhere ? `; ${s.managedElsewhere} managed elsewhere` : "";
  return `${s.declared} declared: ${s.inSync} in sync, ${s.changed} changed, ${s.missing} missing; ${s.removed} removed; ${s.unmanaged} unmanaged${ignored}${elsewhere}`;
}

/** Briefly, one line per stack: they are not drift, and there may be hundreds. */
function elsewhereLines(report: DriftReport): string[] {
  const perStack = new Map<string, number>();
  for (const m of report.managedElsewhere) perStack.set(m.stack, (perStack.get(m.stack) ?? 0) + 1);
  return [...perStack]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stack, n]) => `${n} configuration${n === 1 ? "" : "s"} managed by stack ${printable(stack)} (not drift)`);
}

const missingText = (c: ConfigurationDrift) =>
  `no live configuration matches${c.hint ? ` (${printable(c.hint)})` : ""}`;
const removedText = (r: RemovedConfiguration) =>
  r.heldBy !== null
    ? `in the stack, no longer declared, and also held by ${r.heldBy}: \`pulumi up\` removes it from the state, and does not delete the configuration`
    : `in the stack, no longer declared: \`pulumi up\` deletes it${r.live ? "" : " (already gone live: up only drops it from the state)"}`;
const unmanagedText = (u: UnmanagedConfiguration) => (u.hint ? printable(u.hint) : "neither declared nor in the stack");

export function renderText(report: DriftReport, style: TextStyle = { color: false }): string {
  const paint = (code: number, text: string) => (style.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  for (const c of report.configurations) {
    const where = `${c.file}:${c.line}`;
    const id = c.id === null ? "" : ` #${c.id}`;
    if (c.status === "in-sync") lines.push(`${paint(32, "in sync")}  ${c.key}${id}`);
    if (c.status === "missing") lines.push(`${paint(31, "missing")}  ${c.key} (${where}): ${missingText(c)}`);
    if (c.status === "changed") {
      lines.push(`${paint(33, "changed")}  ${c.key}${id} (${where}), matched by ${c.matchedBy}`);
      for (const text of [...c.changes.map(changeText), ...secretChanges(c)]) lines.push(`           ${text}`);
    }
  }
  for (const r of report.removed)
    lines.push(
      `${paint(35, "removed")}  ${r.key} #${r.id}${r.name === null ? "" : ` ${show(r.name)}`}: ${removedText(r)}`,
    );
  for (const u of report.unmanaged)
    lines.push(`${paint(36, "unmanaged")} #${u.id} ${show(u.name)} (provider ${u.provider}): ${unmanagedText(u)}`);
  lines.push(...elsewhereLines(report));
  const notCompared = report.configurations.filter(
    (c) => c.status !== "missing" && Object.values(c.secrets).includes("not-compared"),
  );
  if (notCompared.length)
    lines.push(
      `note: secrets not compared for ${notCompared.map((c) => c.key).join(", ")} (their values are not available here)`,
    );
  lines.push(report.inSync ? paint(32, `In sync. ${summaryLine(report)}`) : paint(33, `Drift. ${summaryLine(report)}`));
  return `${lines.join("\n")}\n`;
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function renderMarkdown(report: DriftReport): string {
  const lines = [
    `### Telephony configurations: ${report.inSync ? "✅ in sync" : "⚠️ drift"}`,
    "",
    summaryLine(report),
    "",
  ];
  if (report.configurations.length) {
    lines.push("| configuration | id | status | details |", "| --- | --- | --- | --- |");
    for (const c of report.configurations) {
      const details =
        c.status === "missing"
          ? missingText(c)
          : [...c.changes.map(changeText), ...secretChanges(c)].join("<br>") || "";
      lines.push(`| \`${cell(c.key)}\` | ${c.id ?? "–"} | ${c.status} | ${cell(details)} |`);
    }
    lines.push("");
  }
  if (report.removed.length) {
    lines.push("Removed (in the stack, no longer declared):", "");
    for (const r of report.removed) lines.push(`- \`${cell(r.key)}\` #${r.id}: ${cell(removedText(r))}`);
    lines.push("");
  }
  if (report.unmanaged.length) {
    lines.push("Unmanaged (neither declared nor in the stack):", "");
    for (const u of report.unmanaged)
      lines.push(`- #${u.id} ${cell(u.name)} (provider ${u.provider})${u.hint ? `: ${cell(unmanagedText(u))}` : ""}`);
    lines.push("");
  }
  if (report.managedElsewhere.length)
    lines.push("Managed elsewhere:", "", ...elsewhereLines(report).map((line) => `- ${cell(line)}`), "");
  return lines.join("\n");
}
