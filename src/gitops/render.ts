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

/** What `reconcile --apply` had `pulumi up` do, by operation (Pulumi's own counts: create, update, same…). */
export type Applied = Readonly<Record<string, number>>;

export interface RenderOptions {
  /** With `reconcile --apply`: what `up` did, said after the report. */
  applied?: Applied | undefined;
}

const show = (value: unknown) => JSON.stringify(value);
// Marks and hints carry text anyone with the API could write: no control character reaches a terminal.
// eslint-disable-next-line no-control-regex -- control characters are what it replaces
export const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
const changeText = (c: FieldChange) => `${c.field}: ${show(c.live)} (live) → ${show(c.declared)} (declared)`;
const secretChanges = (c: ConfigurationDrift) =>
  SECRET_INPUTS.filter((s) => c.secrets[s] === "changed").map((s) => `${s}: changed (secret)`);
const REPLACES = "`pulumi up` replaces it (provider and meta cannot change in place)";

export const appliedText = (applied: Applied): string =>
  `applied: ${Object.entries(applied)
    .map(([op, n]) => `${n} ${op}`)
    .join(", ")}`;

function summaryLine(report: DriftReport): string {
  const s = report.summary;
  const inCode = s.declaredInCode ? ` (${s.declaredInCode} in code)` : "";
  const replaces = s.replaces ? ` (up replaces ${s.replaces})` : "";
  const ignored = s.ignored ? ` (${s.ignored} left out)` : "";
  const elsewhere = s.managedElsewhere ? `; ${s.managedElsewhere} managed elsewhere` : "";
  return `${s.declared} declared${inCode}: ${s.inSync} in sync, ${s.changed} changed${replaces}, ${s.missing} missing; ${s.removed} removed; ${s.unmanaged} unmanaged${ignored}${elsewhere}`;
}

/** Briefly, one line per stack: they are not drift, and there may be hundreds. */
function elsewhereLines(report: DriftReport): string[] {
  const perStack = new Map<string, number>();
  for (const m of report.managedElsewhere) perStack.set(m.stack, (perStack.get(m.stack) ?? 0) + 1);
  return [...perStack]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stack, n]) => `${n} configuration${n === 1 ? "" : "s"} managed by stack ${printable(stack)} (not drift)`);
}

/** Where a configuration is declared: its file and line, or the stack's code. */
const where = (c: ConfigurationDrift) => (c.declaredIn === "code" ? "declared in code" : `${c.file}:${c.line}`);
const missingText = (c: ConfigurationDrift) =>
  `no live configuration matches${c.hint ? ` (${printable(c.hint)})` : ""}`;
const changedDetails = (c: ConfigurationDrift) => [
  ...(c.replaces ? [REPLACES] : []),
  ...c.changes.map(changeText),
  ...secretChanges(c),
];
const removedText = (r: RemovedConfiguration) =>
  r.heldBy !== null
    ? `in the stack, no longer declared, and also held by ${r.heldBy}: \`pulumi up\` removes it from the state, and does not delete the configuration`
    : `in the stack, no longer declared: \`pulumi up\` deletes it${r.live ? "" : " (already gone live: up only drops it from the state)"}`;
const unmanagedText = (u: UnmanagedConfiguration) => (u.hint ? printable(u.hint) : "neither declared nor in the stack");

/** Notes on secrets that could not be compared, for the declarations and for the code apart. */
function notComparedLines(report: DriftReport): string[] {
  const notCompared = report.configurations.filter(
    (c) => c.status !== "missing" && Object.values(c.secrets).includes("not-compared"),
  );
  const keys = (declaredIn: ConfigurationDrift["declaredIn"]) =>
    notCompared.filter((c) => c.declaredIn === declaredIn).map((c) => c.key);
  const lines: string[] = [];
  if (keys("yaml").length)
    lines.push(`note: secrets not compared for ${keys("yaml").join(", ")} (their values are not available here)`);
  if (keys("code").length)
    lines.push(
      `note: secrets not compared for ${keys("code").join(", ")}, declared in code (the stack's state holds them encrypted)`,
    );
  return lines;
}

export function renderText(
  report: DriftReport,
  style: TextStyle = { color: false },
  { applied }: RenderOptions = {},
): string {
  const paint = (code: number, text: string) => (style.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  for (const c of report.configurations) {
    const id = c.id === null ? "" : ` #${c.id}`;
    const inCode = c.declaredIn === "code" ? " (declared in code)" : "";
    if (c.status === "in-sync") lines.push(`${paint(32, "in sync")}  ${c.key}${id}${inCode}`);
    if (c.status === "missing") lines.push(`${paint(31, "missing")}  ${c.key} (${where(c)}): ${missingText(c)}`);
    if (c.status === "changed") {
      const how = c.declaredIn === "code" ? "compared with what its last update declared" : `matched by ${c.matchedBy}`;
      lines.push(`${paint(33, "changed")}  ${c.key}${id} (${where(c)}), ${how}`);
      for (const text of changedDetails(c)) lines.push(`           ${text}`);
    }
  }
  for (const r of report.removed)
    lines.push(
      `${paint(35, "removed")}  ${r.key} #${r.id}${r.name === null ? "" : ` ${show(r.name)}`}: ${removedText(r)}`,
    );
  for (const u of report.unmanaged)
    lines.push(`${paint(36, "unmanaged")} #${u.id} ${show(u.name)} (provider ${u.provider}): ${unmanagedText(u)}`);
  lines.push(...elsewhereLines(report), ...notComparedLines(report));
  lines.push(report.inSync ? paint(32, `In sync. ${summaryLine(report)}`) : paint(33, `Drift. ${summaryLine(report)}`));
  if (applied) lines.push(appliedText(applied));
  return `${lines.join("\n")}\n`;
}

/** Text in a table cell: no pipe ends the cell, no newline the row, no HTML is made of it. */
export const cell = (text: string) =>
  text.replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\n", " ");
/** Text in a paragraph or list item: no HTML either, and no line break that would end the block. */
const inline = (text: string) => text.replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\n", " ");

/**
 * Markdown blocks, each ended by a blank line, the last one too: whatever follows the report (the next
 * pass, `applied:`, another report appended to a job summary) starts a block of its own, never a row
 * of the table or a line of the list before it.
 */
export function renderMarkdown(report: DriftReport, { applied }: RenderOptions = {}): string {
  const blocks: string[][] = [
    [`### Telephony configurations: ${report.inSync ? "✅ in sync" : "⚠️ drift"}`],
    [inline(summaryLine(report))],
  ];
  if (report.configurations.length) {
    const rows = report.configurations.map((c) => {
      const details = c.status === "missing" ? [missingText(c)] : changedDetails(c);
      const key = `\`${c.key}\`${c.declaredIn === "code" ? " (in code)" : ""}`;
      return `| ${key} | ${c.id ?? "–"} | ${c.status} | ${details.map(cell).join("<br>")} |`;
    });
    blocks.push(["| configuration | id | status | details |", "| --- | --- | --- | --- |", ...rows]);
  }
  if (report.removed.length)
    blocks.push(
      ["Removed (in the stack, no longer declared):"],
      report.removed.map((r) => `- \`${r.key}\` #${r.id}: ${inline(removedText(r))}`),
    );
  if (report.unmanaged.length)
    blocks.push(
      ["Unmanaged (neither declared nor in the stack):"],
      report.unmanaged.map(
        (u) => `- #${u.id} ${cell(u.name)} (provider ${u.provider})${u.hint ? `: ${inline(unmanagedText(u))}` : ""}`,
      ),
    );
  if (report.managedElsewhere.length)
    blocks.push(
      ["Managed elsewhere:"],
      elsewhereLines(report).map((line) => `- ${inline(line)}`),
    );
  // Paragraphs, not a list: a list right after the one above would continue it.
  for (const note of notComparedLines(report)) blocks.push([inline(note)]);
  if (applied) blocks.push([appliedText(applied)]);
  return blocks.map((block) => `${block.join("\n")}\n\n`).join("");
}
