import { stringify } from "yaml";
import type { Configuration } from "../client/contract.js";
import { parseDeclarations } from "../declarations/parse.js";
import type { Declaration } from "../declarations/declaration.js";
import {
  configurationKey,
  DECLARED_FIELDS,
  markOf,
  markValueOf,
  OWNER_META_KEY,
  toOutputs,
  withoutMark,
  type Field,
} from "../model/index.js";

export interface Adoption {
  yaml: string;
  /** Environment variables the declarations refer to, to set before `pulumi up`. */
  variables: string[];
  /** How many configurations the YAML declares. */
  count: number;
  /**
   * Live configurations left out, and why: "marked", another stack's (its ownership mark); "unfit", no
   * valid declaration could adopt it (the YAML always validates).
   */
  skipped: Array<{ id: number; name: string; reason: string; kind: "marked" | "unfit" }>;
  /** Live configurations the stack (`--stack`) holds or declares already, under these keys: not written again. */
  held: Array<{ id: number; name: string; key: string }>;
}

/** What the stack adopt runs for (`--stack`) has already: nothing of it is declared again. */
export interface KnownStack {
  /** Its name, as messages say it. */
  name: string;
  /** Configuration id → the key that holds it: its state's resources, and its declarations' imports. */
  holds: ReadonlyMap<number, string>;
  /** Keys its state or declarations use: a new declaration under one would be that resource. */
  keys: ReadonlySet<string>;
}

export interface AdoptionOptions {
  /** The `$schema` the YAML's first line points editors at. */
  schemaPath?: string;
  stack?: KnownStack | undefined;
}

/**
 * A key the schema accepts for any name: ASCII letters, digits and dashes, starting with a letter
 * (accents dropped, anything else a dash), so that its environment variable names are valid too.
 */
function baseKey(c: Configuration): string {
  const slug = c.name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!slug) return `configuration-${c.id}`;
  return /^[a-z]/.test(slug) ? slug : `cfg-${slug}`;
}

/** Keys are unique at any depth: "x", "x-7" and a second "x" whose id is 7 each get their own. */
function uniqueKey(base: string, id: number, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let key = `${base}-${id}`;
  for (let n = 2; taken.has(key); n++) key = `${base}-${id}-${n}`;
  return key;
}

// A live value is a value: a "${" in it is written "$${", which the declarations read back as "${".
// (A function as the replacement: in a replacement string "$$" stands for "$".)
const literal = (value: string) => value.replaceAll("${", () => "$${");
const literalValue = (value: unknown): unknown =>
  typeof value === "string"
    ? literal(value)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(String(v))]))
      : value;
const isEmpty = (value: unknown) =>
  value === "" || value === null || (typeof value === "object" && Object.keys(value).length === 0);

// Keys are [a-z0-9-] starting with a letter, so this is one-to-one and a valid variable name.
const variableFor = (key: string, field: string) => `${key.toUpperCase().replaceAll("-", "_")}_${field}`;

/** Why a live configuration is not for adopt to declare: another stack's, or carrying the mark's key. */
function notAdoptable(c: Configuration): { reason: string; kind: "marked" | "unfit" } | undefined {
  // A stack created it and manages it. The owner is quoted: the reason goes into a YAML comment, and a
  // mark is anyone's data (a newline in it must not start a line of YAML).
  const owner = markOf(c.meta_json);
  if (owner)
    return {
      kind: "marked",
      reason: `it is managed by resource ${JSON.stringify(owner.resource)} of stack ${JSON.stringify(owner.stack)}, which created it`,
    };
  const unfit = unfitReason(c);
  return unfit === undefined ? undefined : { kind: "unfit", reason: unfit };
}

function unfitReason(c: Configuration): string | undefined {
  // `up` refuses to adopt what carries the mark's key with anything else in it: so does adopt.
  if (markValueOf(c.meta_json) !== undefined)
    return `its ${OWNER_META_KEY} entry is not an ownership mark of this project, and pulumi up does not adopt it`;
  // The mark's key is reserved (a declaration cannot hold it) and never compared, even when its value is no mark.
  const entries = withoutMark(c.meta_json);
  if (new Set(entries.map((m) => m.meta_key)).size !== entries.length)
    return "its meta_json repeats a key, which a declaration cannot";
  return undefined;
}

/** The declaration of `c` under `key`: each field as read would show it, left out where it holds the API's default; secrets as references. */
function declarationOf(c: Configuration, key: string): { entry: Record<string, unknown>; variables: string[] } {
  const outputs: Record<string, unknown> = toOutputs(c);
  const entry: Record<string, unknown> = {};
  const variables: string[] = [];
  for (const field of DECLARED_FIELDS as readonly Field[]) {
    const value = outputs[field.name];
    if (!field.required && (isEmpty(value) || value === field.unset)) continue;
    if (field.secret) {
      const variable = variableFor(key, field.api.toUpperCase());
      entry[field.name] = `\${env:${variable}}`;
      variables.push(variable);
    } else entry[field.name] = literalValue(value);
  }
  entry.import = c.id;
  return { entry, variables };
}

/** The entry as the stack program will read it, or why that program would refuse it. */
function asDeclared(entry: Record<string, unknown>, key: string): { declaration: Declaration } | { refused: string } {
  const parsed = parseDeclarations(stringify({ configurations: { [key]: entry } }), "adopt", {
    isSet: () => "set",
    unsetReference: "error",
    unresolved: "error",
  });
  const problem = parsed.problems.find((p) => p.severity === "error");
  if (problem || !parsed.declarations[0])
    return { refused: (problem?.message ?? "not a valid declaration").replace(`configurations.${key}.`, "") };
  return { declaration: parsed.declarations[0] };
}

/**
 * Declarations for live configurations, each with its `import` id and its secrets as `${env:…}`
 * references (never their values), in the YAML format the stack program reads. Pure.
 */
export function adoptionYaml(
  live: Configuration[],
  { schemaPath = "schemas/provider-configurations.schema.json", stack }: AdoptionOptions = {},
): Adoption {
  const configurations: Record<string, Record<string, unknown>> = {};
  const variables: string[] = [];
  const skipped: Adoption["skipped"] = [];
  const held: Adoption["held"] = [];
  // The stack's keys are its resources': a declaration under one of them would be that resource.
  const taken = new Set<string>(stack?.keys ?? []);
  const made = new Map<string, number>();
  for (const c of [...live].sort((a, b) => a.id - b.id)) {
    const skip = (reason: string, kind: "marked" | "unfit" = "unfit") =>
      skipped.push({ id: c.id, name: c.name, reason, kind });
    const holder = stack?.holds.get(c.id);
    if (holder !== undefined) {
      held.push({ id: c.id, name: c.name, key: holder });
      continue;
    }
    const unfit = notAdoptable(c);
    if (unfit) {
      skip(unfit.reason, unfit.kind);
      continue;
    }
    const key = uniqueKey(baseKey(c), c.id, taken);
    const { entry, variables: refs } = declarationOf(c, key);
    const read = asDeclared(entry, key);
    if ("refused" in read) {
      skip(read.refused);
      continue;
    }
    const fingerprint = configurationKey(read.declaration);
    const twin = made.get(fingerprint);
    if (twin !== undefined) {
      skip(`it is exactly configuration ${twin}; two resources would hold one configuration (give one another name)`);
      continue;
    }
    made.set(fingerprint, c.id);
    taken.add(key);
    variables.push(...refs);
    configurations[key] = entry;
  }
  return {
    yaml: `${header(schemaPath, variables, skipped, held, stack)}\n${stringify({ configurations }, { lineWidth: 0 })}`,
    variables,
    count: Object.keys(configurations).length,
    skipped,
    held,
  };
}

function header(
  schemaPath: string,
  variables: string[],
  skipped: Adoption["skipped"],
  held: Adoption["held"],
  stack: KnownStack | undefined,
): string {
  return [
    `# yaml-language-server: $schema=${schemaPath}`,
    "# Written by `telephony-config adopt`. Set these variables to the configurations' secrets before `pulumi up`:",
    ...(variables.length ? variables.map((v) => `#   ${v}`) : ["#   (none)"]),
    ...(held.length && stack
      ? [`# Left out, stack ${JSON.stringify(stack.name)} has them already: ${held.map((h) => h.id).join(", ")}`]
      : []),
    ...skipped.map((s) => `# Not adopted: configuration ${s.id} ${JSON.stringify(s.name)}: ${s.reason}`),
  ].join("\n");
}

/**
 * What adopt says on stderr about what it left out: the configurations the stack has already and those
 * other stacks manage, each group counted and listed; each that no declaration could adopt, with why.
 */
export function leftOutLines(adoption: Adoption, stack?: string): string[] {
  const plural = (n: number) => `${n} configuration${n === 1 ? "" : "s"}`;
  const show = (c: { id: number; name: string }) => `#${c.id} ${JSON.stringify(c.name)}`;
  const marked = adoption.skipped.filter((s) => s.kind === "marked");
  const lines: string[] = [];
  if (adoption.held.length)
    lines.push(
      `left out ${plural(adoption.held.length)} stack ${stack} has already (its state or its declarations hold them):`,
      ...adoption.held.map((h) => `  ${show(h)} as ${h.key}`),
    );
  if (marked.length)
    lines.push(
      `left out ${plural(marked.length)} a stack created and manages (its ownership mark):`,
      ...marked.map((s) => `  ${show(s)}: ${s.reason}`),
    );
  for (const s of adoption.skipped.filter((s) => s.kind === "unfit"))
    lines.push(`not adopted: configuration ${s.id} ${JSON.stringify(s.name)}: ${s.reason}`);
  return lines;
}
