// The drift report: its shape is what `drift --json` prints, documented in the README. Version it
// when a field changes meaning.

export type ConfigurationStatus = "in-sync" | "changed" | "missing";
/** "not-declared": the declaration leaves the secret out, so it is not managed and not compared. */
export type SecretStatus = "unchanged" | "changed" | "not-compared" | "not-declared";

export interface FieldChange {
  field: "name" | "provider" | "active" | "baseUrl" | "sipUrl" | "meta";
  declared: unknown;
  live: unknown;
}

export interface ConfigurationDrift {
  key: string;
  file: string;
  line: number;
  name: string;
  provider: number;
  /** The live configuration it was matched to, or null when missing. */
  id: number | null;
  matchedBy: "state" | "import" | "name" | null;
  status: ConfigurationStatus;
  changes: FieldChange[];
  /** Secrets are compared, never shown: "not-compared" when the declared value is not available here. */
  secrets: { apiKey: SecretStatus; apiSecret: SecretStatus };
}

export interface UnmanagedConfiguration {
  id: number;
  name: string;
  provider: number;
}

export interface DriftReport {
  version: 1;
  inSync: boolean;
  summary: { declared: number; inSync: number; changed: number; missing: number; unmanaged: number };
  configurations: ConfigurationDrift[];
  unmanaged: UnmanagedConfiguration[];
}

/** The `terraform plan -detailed-exitcode` convention: 0 in sync, 2 drift (1 is left to errors). */
export const exitCodeFor = (report: DriftReport): 0 | 2 => (report.inSync ? 0 : 2);
