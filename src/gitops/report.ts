// The drift report: its shape is what `drift --json` prints, documented in the README. Version it
// when a field changes meaning.

import type { DeclaredField, SecretInput } from "../model/index.js";

export type ConfigurationStatus = "in-sync" | "changed" | "missing";
/** "not-declared": the declaration leaves the secret out, so it is not managed and not compared. */
export type SecretStatus = "unchanged" | "changed" | "not-compared" | "not-declared";

export interface FieldChange {
  /** Any field but a secret: secrets are compared, never shown (`secrets`). */
  field: Exclude<DeclaredField, SecretInput>;
  declared: unknown;
  live: unknown;
}

export interface ConfigurationDrift {
  key: string;
  /**
   * "yaml": a declaration in the compared files, at `file` and `line`. "code": a resource the stack's
   * program declares in code (not in its YAML), compared with what its last update declared (the
   * state's inputs); `file` and `line` are null.
   */
  declaredIn: "yaml" | "code";
  file: string | null;
  line: number | null;
  name: string;
  provider: number;
  /** The live configuration it was matched to, or null when missing. */
  id: number | null;
  matchedBy: "state" | "import" | "name" | null;
  status: ConfigurationStatus;
  /** Changed in a field the API cannot change in place (provider, meta): `pulumi up` replaces it. */
  replaces: boolean;
  changes: FieldChange[];
  /** Secrets are compared, never shown: "not-compared" when the declared value is not available here. */
  secrets: Record<SecretInput, SecretStatus>;
  /** Set on a missing configuration when something useful is known, e.g. a same-named one to adopt. */
  hint?: string;
}

/**
 * In the stack's state, no longer declared: `pulumi up` deletes it, unless another resource of the
 * stack holds it or takes it over (`heldBy`): then `up` only removes this one from the state.
 */
export interface RemovedConfiguration {
  key: string;
  id: number;
  /** From the live configuration; null when it is gone already. */
  name: string | null;
  provider: number | null;
  live: boolean;
  /** The key of the declaration or stack resource that also holds (or imports) the configuration. */
  heldBy: string | null;
}

/** Live, neither declared nor in the stack. */
export interface UnmanagedConfiguration {
  id: number;
  name: string;
  provider: number;
  /** Set when this stack's create marked it but its state does not hold it (an interrupted `up`). */
  hint?: string;
}

/** Live, and its ownership mark names another stack (any stack, when none was given): not drift here. */
export interface ManagedElsewhere {
  id: number;
  name: string;
  provider: number;
  /** `project/stack`, as the mark names it. */
  stack: string;
  /** The resource's key in that stack. */
  resource: string;
}

export interface DriftReport {
  /**
   * 3: `managedElsewhere` (list and count), `removed[].heldBy`, `unmanaged[].hint`. 4: resources declared
   * in the stack's code are compared (`declaredIn`, nullable `file` and `line`, `summary.declaredInCode`)
   * rather than called removed; `replaces` and `summary.replaces`.
   */
  version: 4;
  /** True only when nothing differs: no configuration changed, missing, removed or unmanaged. */
  inSync: boolean;
  summary: {
    /** Declarations compared, in the files and, with a stack, in its code. */
    declared: number;
    /** Of those, the resources declared in the stack's code. */
    declaredInCode: number;
    inSync: number;
    changed: number;
    /** Of the changed ones, those `pulumi up` replaces. */
    replaces: number;
    missing: number;
    removed: number;
    unmanaged: number;
    ignored: number;
    managedElsewhere: number;
  };
  configurations: ConfigurationDrift[];
  removed: RemovedConfiguration[];
  unmanaged: UnmanagedConfiguration[];
  managedElsewhere: ManagedElsewhere[];
}

/** The `terraform plan -detailed-exitcode` convention: 0 in sync, 2 drift (1 is left to errors). */
export const exitCodeFor = (report: DriftReport): 0 | 2 => (report.inSync ? 0 : 2);

/** Whether `pulumi up` would change anything: unmanaged configurations are out of its reach. */
export const upWouldChange = (report: DriftReport): boolean =>
  report.summary.changed + report.summary.missing + report.summary.removed > 0;
