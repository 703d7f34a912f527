import type { Configuration } from "../client/contract.js";
import type { Declaration, SecretReference } from "../declarations/declaration.js";
import {
  differences,
  replacementsFor,
  SECRET_INPUTS,
  toOutputs,
  withSecrets,
  type ConfigurationInputs,
  type DeclaredValues,
  type SecretInput,
} from "../model/index.js";
import { INTERRUPTED, Matching, type KnownStack, type Match } from "./match.js";
import type { StateSecret } from "./stack.js";
import type {
  SecretStatus,
  ConfigurationDrift,
  DriftReport,
  FieldChange,
  ManagedElsewhere,
  RemovedConfiguration,
  UnmanagedConfiguration,
} from "./report.js";

export interface CompareOptions {
  /** The stack, when one is known: its id as an ownership mark names it (`project/stack`), and its state. */
  stack?: KnownStack;
  /** A secret's declared value, when it is available here. */
  secretValue: (ref: SecretReference) => string | undefined;
  /** Leave unmanaged configurations out of the report. */
  onlyManaged?: boolean;
  /**
   * Left out of the report, not drift: unmanaged configurations a team keeps on purpose (by id or exact
   * name), and stack resources declared in code rather than in the files (by key).
   */
  ignore?: ReadonlyArray<string>;
}

/**
 * Desired (declarations) against live (one list of the organization's configurations) and, with a
 * stack, its state: each declaration matched (match.ts) and compared field by field with the model's
 * one comparison, what the stack holds and no longer declares, what nobody declares, and what another
 * stack manages (listed apart, not drift). Pure.
 */
export function compare(declarations: Declaration[], live: Configuration[], options: CompareOptions): DriftReport {
  const ignore = new Set(options.ignore ?? []);
  const matching = new Matching(declarations, live, options.stack, ignore);
  const configurations = [
    ...declarations.map((d) => configurationDrift(d, matching.matches.get(d.key)!, options)),
    ...[...matching.inCode].map(([key, c]) => codeDrift(key, options.stack!.declaredInCode!.get(key)!, c)),
  ];
  const removed = removedConfigurations(matching, ignore);
  const notClaimed = live.filter((c) => matching.free(c));
  const kept = notClaimed.filter((c) => !ignore.has(String(c.id)) && !ignore.has(c.name));
  const unmanaged = options.onlyManaged ? [] : kept.map((c) => unmanagedConfiguration(matching, c));
  const managedElsewhere = live.flatMap((c): ManagedElsewhere[] => {
    const owner = matching.unmatched(c) ? matching.elsewhere(c) : undefined;
    return owner
      ? [{ id: c.id, name: c.name, provider: c.provider, stack: owner.stack, resource: owner.resource }]
      : [];
  });

  const count = (status: ConfigurationDrift["status"]) => configurations.filter((c) => c.status === status).length;
  const summary = {
    declared: configurations.length,
    declaredInCode: matching.inCode.size,
    inSync: count("in-sync"),
    changed: count("changed"),
    replaces: configurations.filter((c) => c.replaces).length,
    missing: count("missing"),
    removed: removed.length,
    unmanaged: unmanaged.length,
    ignored: notClaimed.length - unmanaged.length,
    managedElsewhere: managedElsewhere.length,
  };
  return {
    version: 4,
    inSync: summary.changed + summary.missing + summary.removed + summary.unmanaged === 0,
    summary,
    configurations,
    removed,
    unmanaged,
    managedElsewhere,
  };
}

/** One declaration against its match: missing, or compared as the provider's diff compares it. */
function configurationDrift(d: Declaration, match: Match, options: CompareOptions): ConfigurationDrift {
  const { live, matchedBy, hint, toAdopt } = match;
  const base = {
    key: d.key,
    declaredIn: "yaml" as const,
    file: d.file,
    line: d.line,
    name: d.name,
    provider: d.provider,
  };
  if (!live || toAdopt) return missing(base, live?.id ?? null, matchedBy, hint);
  return compared(base, d, options.secretValue, live, matchedBy);
}

/**
 * A resource the stack's code declares, against what its last update declared (the state's inputs):
 * its secrets are encrypted there, so not compared.
 */
function codeDrift(
  key: string,
  values: DeclaredValues<StateSecret>,
  live: Configuration | undefined,
): ConfigurationDrift {
  const base = {
    key,
    declaredIn: "code" as const,
    file: null,
    line: null,
    name: values.name,
    provider: values.provider,
  };
  if (!live)
    return missing(base, null, null, "its configuration no longer exists: `pulumi up --refresh` creates it again");
  return compared(base, values, () => undefined, live, "state");
}

type Base = Pick<ConfigurationDrift, "key" | "declaredIn" | "file" | "line" | "name" | "provider">;

function missing(base: Base, id: number | null, matchedBy: Match["matchedBy"], hint?: string): ConfigurationDrift {
  return {
    ...base,
    id,
    matchedBy,
    status: "missing",
    replaces: false,
    changes: [],
    secrets: secretStatuses("not-compared"),
    ...(hint ? { hint } : {}),
  };
}

/** Declared values against the live configuration, with the model's one comparison: the provider's diff. */
function compared<S>(
  base: Base,
  values: DeclaredValues<S>,
  secretValue: (secret: S) => string | undefined,
  live: Configuration,
  matchedBy: Match["matchedBy"],
): ConfigurationDrift {
  // The declaration as the resource's inputs: a secret not declared is not managed, so not compared.
  const secrets = secretStatuses("not-declared");
  const declared: ConfigurationInputs = withSecrets(values, (secret, field) => {
    const value = secretValue(secret);
    if (value === undefined) secrets[field] = "not-compared";
    return value;
  });
  const outputs = toOutputs(live);
  const found = differences(outputs, declared);
  const changes = found.flatMap(({ field, declared: value, live: liveValue }): FieldChange[] =>
    isSecret(field) ? [] : [{ field, declared: value, live: liveValue }],
  );
  for (const field of SECRET_INPUTS) {
    if (declared[field] !== undefined) secrets[field] = found.some((c) => c.field === field) ? "changed" : "unchanged";
  }
  return {
    ...base,
    id: live.id,
    matchedBy,
    status: found.length ? "changed" : "in-sync",
    // A field the API cannot change in place (the model marks it): `up` replaces the configuration.
    replaces: replacementsFor(outputs, declared).length > 0,
    changes,
    secrets,
  };
}

/** In the stack's state, no longer declared; a stack resource declared in code rather than in these files is left out by its key. */
function removedConfigurations(matching: Matching, ignore: ReadonlySet<string>): RemovedConfiguration[] {
  const { byId, matchedTo, importedBy, stateKeysOf, stateKeysUsed } = matching;
  const declaredKeys = new Set(matching.declarations.map((d) => d.key));
  // In the program: a declaration (under its key or a former one), or a resource declared in code (as
  // the state tells, or ignored by its key).
  const inProgram = (key: string) => stateKeysUsed.has(key) || ignore.has(key) || matching.inCode.has(key);
  // The provider does not delete a configuration another resource of the stack holds or takes over.
  const heldBy = (key: string, id: number) =>
    matchedTo.get(id) ?? importedBy.get(id) ?? stateKeysOf.get(id)?.find((k) => k !== key && inProgram(k)) ?? null;
  return [...(matching.stack?.stateIds ?? [])]
    .filter(([key]) => !declaredKeys.has(key) && !inProgram(key))
    .map(([key, id]) => ({
      key,
      id,
      name: byId.get(id)?.name ?? null,
      provider: byId.get(id)?.provider ?? null,
      live: byId.has(id),
      heldBy: heldBy(key, id),
    }));
}

/** Live, neither declared nor in the stack; said so when this stack's create left it behind. */
function unmanagedConfiguration(matching: Matching, c: Configuration): UnmanagedConfiguration {
  const mark = matching.marks.get(c.id);
  const held = mark && matching.stack?.stateIds.get(mark.resource);
  const hint =
    mark &&
    (held === undefined
      ? `created by resource ${mark.resource} of this stack but not in its state (${INTERRUPTED}): the next \`up\` takes it over if declaration ${mark.resource} still creates exactly this; otherwise delete it`
      : `created by resource ${mark.resource} of this stack, which holds configuration ${held}: left behind by ${INTERRUPTED}; delete it`);
  return { id: c.id, name: c.name, provider: c.provider, ...(hint ? { hint } : {}) };
}

const isSecret = (field: string): field is SecretInput => (SECRET_INPUTS as readonly string[]).includes(field);
const secretStatuses = (status: SecretStatus): ConfigurationDrift["secrets"] =>
  Object.fromEntries(SECRET_INPUTS.map((field) => [field, status])) as ConfigurationDrift["secrets"];
