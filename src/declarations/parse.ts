import type { ErrorObject } from "ajv";
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { validateDeclarationsFile } from "../schemas.js";
import { parseReference, referenceText, type Declaration, type Problem, type SecretReference } from "./declaration.js";

export interface ParseOptions {
  /** Whether a secret reference can be resolved where the declarations will be used, and to a value. */
  isSet: (ref: SecretReference) => ReferenceState;
  /** A reference that is not set or empty: an error where the declarations are applied, a warning in `validate`. */
  unsetReference: "error" | "warning";
}

/** An empty value is no secret: CI gives an empty variable for a secret it does not have. */
export type ReferenceState = "set" | "unset" | "empty";

/** The state of a reference whose value (never kept, never shown) is `value`. */
export const referenceState = (value: string | undefined): ReferenceState => (value === undefined ? "unset" : value === "" ? "empty" : "set");

export interface ParseResult {
  declarations: Declaration[];
  problems: Problem[];
}

interface RawDeclaration {
  name?: string;
  provider: number;
  active?: boolean;
  apiKey?: string;
  apiSecret?: string;
  baseUrl?: string;
  sipUrl?: string;
  meta?: Record<string, string>;
  import?: number;
  protect?: boolean;
  formerKeys?: string[];
}

/** Parses and validates one YAML file of declarations. Pure: the text in, declarations and problems out. */
export function parseDeclarations(text: string, file: string, options: ParseOptions): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => lineCounter.linePos(offset);
  const problem = (offset: number, message: string, severity: Problem["severity"] = "error"): Problem => {
    const { line, col } = at(offset);
    return { file, line, col, severity, message };
  };

  const firstLine = (message: string) => message.split("\n")[0]!;
  const syntax = [
    ...doc.errors.map((e) => problem(e.pos[0], firstLine(e.message))),
    ...doc.warnings.map((e) => problem(e.pos[0], firstLine(e.message), "warning")),
  ];
  if (doc.errors.length) return { declarations: [], problems: syntax };

  const data: unknown = doc.toJS();
  if (!validateDeclarationsFile(data)) {
    return { declarations: [], problems: [...syntax, ...(validateDeclarationsFile.errors ?? []).map((e) => schemaProblem(doc, e, problem))] };
  }

  const problems = [...syntax];
  const declarations: Declaration[] = [];
  const entries = Object.entries((data as { configurations: Record<string, RawDeclaration> }).configurations);
  const configurationsNode = doc.get("configurations", true);
  for (const [key, raw] of entries) {
    const keyNode = isMap(configurationsNode)
      ? (configurationsNode.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key as Node | undefined)
      : undefined;
    const line = at(keyNode?.range?.[0] ?? 0).line;
    const declaration: Declaration = {
      key,
      file,
      line,
      name: raw.name ?? key,
      provider: raw.provider,
      active: raw.active ?? true,
      protect: raw.protect ?? false,
      formerKeys: raw.formerKeys ?? [],
    };
    for (const field of ["apiKey", "apiSecret"] as const) {
      const value = raw[field];
      if (value === undefined) continue;
      const ref = parseReference(value)!;
      declaration[field] = ref;
      const state = options.isSet(ref);
      if (state !== "set") {
        const offset = (doc.getIn(["configurations", key, field], true) as Node).range![0];
        const what = ref.kind === "env" ? `environment variable ${ref.name}` : `stack config ${ref.name}`;
        const how =
          state === "empty"
            ? `${what} is empty; a declared secret needs a value (leave ${field} out to leave the live one alone)`
            : ref.kind === "env"
              ? `${what} is not set`
              : `${what} is not set (pulumi config set --secret ${ref.name} …)`;
        problems.push(problem(offset, `configurations.${key}.${field}: ${referenceText(ref)}: ${how}`, options.unsetReference));
      }
    }
    if (raw.baseUrl !== undefined) declaration.baseUrl = raw.baseUrl;
    if (raw.sipUrl !== undefined) declaration.sipUrl = raw.sipUrl;
    if (raw.meta !== undefined) declaration.meta = raw.meta;
    if (raw.import !== undefined) declaration.importId = raw.import;
    declarations.push(declaration);
  }
  return { declarations, problems };
}

const FRIENDLY_PATTERN: Record<string, string> = {
  apiKey: "must be a secret reference such as ${env:NAME} or ${secret:KEY}, not a literal value",
  apiSecret: "must be a secret reference such as ${env:NAME} or ${secret:KEY}, not a literal value",
  baseUrl: "must be an http:// or https:// URL",
  sipUrl: "must be a sip: or sips: URI",
};

function schemaProblem(doc: Document, e: ErrorObject, problem: (offset: number, message: string) => Problem): Problem {
  const path = e.instancePath.split("/").slice(1).map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  const dotted = (parts: string[]) => parts.join(".") || "(document)";
  const nodeAt = (parts: string[]) => (parts.length ? (doc.getIn(parts, true) as Node | undefined) : (doc.contents as Node | null));
  const offsetOf = (node: Node | null | undefined) => node?.range?.[0] ?? 0;

  if (e.keyword === "additionalProperties") {
    const extra = String(e.params.additionalProperty);
    const parent = nodeAt(path);
    const keyNode = isMap(parent) ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === extra)?.key : undefined;
    return problem(offsetOf((keyNode as Node | undefined) ?? parent), `${dotted([...path, extra])}: unknown field`);
  }
  if (e.keyword === "required") {
    return problem(offsetOf(nodeAt(path)), `${dotted(path)}: missing required field ${String(e.params.missingProperty)}`);
  }
  if (e.keyword === "propertyNames") {
    return problem(offsetOf(nodeAt(path)), `${dotted(path)}: key ${JSON.stringify(e.params.propertyName)} must start with a letter or digit and use only letters, digits, '.', '_' and '-'`);
  }
  const field = path.at(-1) ?? "";
  const message = e.keyword === "pattern" && FRIENDLY_PATTERN[field] ? FRIENDLY_PATTERN[field] : (e.message ?? "is invalid");
  return problem(offsetOf(nodeAt(path)), `${dotted(path)}: ${message}`);
}
