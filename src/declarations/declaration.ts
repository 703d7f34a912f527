/** `${env:NAME}` or `${secret:KEY}`: where a secret's value comes from, never the value itself. */
export interface SecretReference {
  kind: "env" | "secret";
  name: string;
}

/** One configuration as declared in a YAML file, after validation. */
export interface Declaration {
  /** The logical key: the Pulumi resource name. */
  key: string;
  file: string;
  line: number;
  name: string;
  provider: number;
  active: boolean;
  apiKey?: SecretReference;
  apiSecret?: SecretReference;
  baseUrl?: string;
  sipUrl?: string;
  meta?: Record<string, string>;
  importId?: number;
  protect: boolean;
  /** Keys it was declared under before (Pulumi aliases). */
  formerKeys: string[];
}

export interface Problem {
  file: string;
  line: number;
  col: number;
  severity: "error" | "warning";
  message: string;
}

export const formatProblem = (p: Problem, withSeverity = false): string =>
  `${p.file}:${p.line}:${p.col}: ${withSeverity ? `${p.severity}: ` : ""}${p.message}`;

export const referenceText = (ref: SecretReference): string => `\${${ref.kind}:${ref.name}}`;

export function parseReference(text: string): SecretReference | undefined {
  const match = /^\$\{(env|secret):([A-Za-z_][A-Za-z0-9_.-]*)\}$/.exec(text);
  return match ? { kind: match[1] as SecretReference["kind"], name: match[2]! } : undefined;
}
