// Renderers of the drift report: plain text for terminals, Markdown for CI job summaries and PR
// comments. JSON is the report itself. Pure.
import type { ConfigurationDrift, DriftReport, FieldChange, RemovedConfiguration } from "./report.js";

export interface TextStyle {
  color: boolean;
}

const show = (value: unknown) => JSON.stringify(value);
const changeText = (c: FieldChange) => `${c.field}: ${show(c.live)} (live) → ${show(c.declared)} (declared)`;
const secretChanges = (c: ConfigurationDrift) =>
  (["apiKey", "apiSecret"] as const).filter((s) => c.secrets[s] === "changed").map((s) => `${s}: changed (secret)`);

function summaryLine(report: DriftReport): string {
  const s = report.summary;
  const ignored = s.ignored ? ` (${s.ignored} left out)` : "";
  return `${s.declared} declared: ${s.inSync} in sync, ${s.changed} changed, ${s.missing} missing; ${s.removed} removed; ${s.unmanaged} unmanaged${ignored}`;
}

const missingText = (c: ConfigurationDrift) => `no live configuration matches${c.hint ? ` (${c.hint})` : ""}`;
const removedText = (r: RemovedConfiguration) =>
  `in the stack, no longer declared: \`pulumi up\` deletes it${r.live ? "" : " (already gone live: up only drops it from the state)"}`;

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
  for (const r of report.removed) lines.push(`${paint(35, "removed")}  ${r.key} #${r.id}${r.name === null ? "" : ` ${show(r.name)}`}: ${removedText(r)}`);
  for (const u of report.unmanaged) lines.push(`${paint(36, "unmanaged")} #${u.id} ${show(u.name)} (provider ${u.provider}): neither declared nor in the stack`);
  const notCompared = report.configurations.filter((c) => c.status !== "missing" && Object.values(c.secrets).includes("not-compared"));
  if (notCompared.length) lines.push(`note: secrets not compared for ${notCompared.map((c) => c.key).join(", ")} (their values are not available here)`);
  lines.push(report.inSync ? paint(32, `In sync. ${summaryLine(report)}`) : paint(33, `Drift. ${summaryLine(report)}`));
  return `${lines.join("\n")}\n`;
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function renderMarkdown(report: DriftReport): string {
  const lines = [`### Telephony configurations: ${report.inSync ? "✅ in sync" : "⚠️ drift"}`, "", summaryLine(report), ""];
  if (report.configurations.length) {
    lines.push("| configuration | id | status | details |", "| --- | --- | --- | --- |");
    for (const c of report.configurations) {
      const details =
        c.status === "missing" ? missingText(c) : [...c.changes.map(changeText), ...secretChanges(c)].join("<br>") || "";
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
    for (const u of report.unmanaged) lines.push(`- #${u.id} ${cell(u.name)} (provider ${u.provider})`);
    lines.push("");
  }
  return lines.join("\n");
}
