import { SECRET_REFERENCE_PATTERN, type DeclaredValues } from "../model/index.js";

/** `${env:NAME}` or `${secret:KEY}`: where a secret's value comes from, never the value itself. */
export interface SecretReference {
  kind: "env" | "secret";
  name: string;
}

/** One configuration as declared in a YAML file, after validation: the table's fields, secrets as references. */
export type Declaration = DeclaredValues<SecretReference> & {
  /** The logical key: the Pulumi resource name. */
  key: string;
  file: string;
  line: number;
  active: boolean;
  importId?: number;
  protect: boolean;
  /** Keys it was declared under before (Pulumi aliases). */
  formerKeys: string[];
};

/**
 * An empty or blank (only whitespace) value is no secret: CI gives an empty variable for a secret it
 * does not have, and either would be sent to every configuration that uses it. A `${secret:KEY}` whose
 * value the stack keeps in plain text (in Pulumi.<stack>.yaml) is "plain": that secret is already out.
 */
export type ReferenceState = "set" | "unset" | "empty" | "blank" | "plain";

export interface Problem {
  file: string;
  line: number;
  col: number;
  severity: "error" | "warning";
  message: string;
}

/** `text` with its control characters escaped (`\u001b`): what a file or a command line holds cannot drive the terminal. */
export const printable = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

export const formatProblem = (p: Problem, withSeverity = false): string =>
  printable(`${p.file}:${p.line}:${p.col}: ${withSeverity ? `${p.severity}: ` : ""}${p.message}`);

export const referenceText = (ref: SecretReference): string => `\${${ref.kind}:${ref.name}}`;

export function parseReference(text: string): SecretReference | undefined {
  if (!REFERENCE.test(text)) return undefined;
  const [kind, name] = text.slice(2, -1).split(":");
  return { kind: kind as SecretReference["kind"], name: name! };
}

const REFERENCE = new RegExp(SECRET_REFERENCE_PATTERN);
