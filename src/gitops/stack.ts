// What a stack knows: its config (API settings, secret values) and the ids in its state. Read with
// the Pulumi CLI, as a user would, from the project directory.
import { relative, resolve } from "node:path";
import { projectStackValues, type StackValues } from "../declarations/interpolate.js";
import { configuredPaths, DECLARATIONS_NOT_SECRET } from "../declarations/load.js";
import { DECLARED_FIELDS, type DeclaredValues } from "../model/index.js";
import { isConfigurationType, isLargeStackType, NATIVE_RESOURCE_TYPE } from "../model/resource-type.js";
import { projectDir, pulumi, readStackConfig, type StackConfig } from "../settings/stack-config.js";

export interface StackInfo extends StackConfig {
  /** Logical key → configuration id, from the stack's state. */
  stateIds: Map<string, number>;
  /** The resources the stack's program declares in code, not through its YAML, by key: see declaredInCode. */
  declaredInCode?: Map<string, DeclaredValues<StateSecret>>;
  /** The types of the state's resources that the large-stack mode does not admit (another provider's). */
  otherTypes: string[];
}

export async function readStack(stack: string, cwd: string): Promise<StackInfo> {
  const dir = projectDir(cwd);
  const [config, stateJson, historyJson] = await Promise.all([
    readStackConfig(stack, dir),
    pulumi(["stack", "export", "--stack", stack], dir),
    pulumi(["stack", "history", "--json", "--page-size", "50", "--stack", stack], dir),
  ]);
  const state = JSON.parse(stateJson) as {
    deployment?: { resources?: StateResource[]; pending_operations?: unknown[]; manifest?: { time?: string } };
  };
  const resources = state.deployment?.resources ?? [];
  const stateIds = stateIdsOf(resources, stack);
  const settled =
    !state.deployment?.pending_operations?.length &&
    mapIsCurrent(JSON.parse(historyJson) as unknown, state.deployment?.manifest?.time);
  return {
    ...config,
    stateIds,
    declaredInCode: settled ? declaredInCode(resources, stateIds) : new Map(),
    otherTypes: [...new Set(resources.filter((r) => !isLargeStackType(r.type, r.custom ?? true)).map((r) => r.type))],
  };
}

interface HistoryEntry {
  kind?: string;
  result?: string;
  endTime?: string;
  environment?: Record<string, string>;
}

// Operations that change no resource's place in the stack: skipped when looking for the last change.
const READS = new Set(["refresh", "preview"]);
// An update limited to some resources leaves the others as they were, whatever the program declares now.
const PARTIAL = ["pulumi.flag.target", "pulumi.flag.exclude", "pulumi.flag.target-dependents"];

/**
 * Whether the stack's exported map of YAML keys tells what its state holds: the last operation that
 * changed the stack's resources (history is newest first) was an update of the whole stack that
 * succeeded, and the state was not written after the newest operation on record ended. An update that
 * failed, or was cut off (its resources saved, no history written: the state is newer than the history),
 * keeps the outputs of the one before while what it created is in the state; a targeted update leaves
 * what it did not target; an import or a state edit runs no program. Then a YAML declaration created
 * and removed since would pass for code.
 */
export function mapIsCurrent(history: unknown, stateWritten: string | undefined): boolean {
  if (!Array.isArray(history) || !history.length) return false;
  const entries = history as HistoryEntry[];
  const last = entries.find((entry) => !READS.has(entry?.kind ?? ""));
  if (last?.kind !== "update" || last.result !== "succeeded") return false;
  if (PARTIAL.some((flag) => last.environment?.[flag] !== undefined)) return false;
  // History keeps whole seconds: the state an operation writes is dated within the second it ended.
  const ended = Date.parse(entries[0]?.endTime ?? "");
  const written = Date.parse(stateWritten ?? "");
  return written < ended + 2000;
}

export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  parent?: string;
  delete?: boolean;
  /** What the program declared at the last update; secrets encrypted (the export is read without --show-secrets). */
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** A secret the state holds encrypted: it is in the declaration, and its value is not known here. */
export type StateSecret = "encrypted";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Whether the state holds a configuration in `r`: one of either host, with an id, and not the old half
 * of a replacement that could not finish (pending deletion: not the key's).
 */
const held = (r: StateResource): r is StateResource & { id: string } =>
  isConfigurationType(r.type) && Boolean(r.id) && !r.delete;

/**
 * The stack's configurations that its program declares in code (`new ProviderConfiguration(…)` beside
 * `declareConfigurations`), with what the last update declared for each. The YAML program's resources
 * and a code's look alike in the state (the same type, the stack as parent, the key as name); what tells
 * them apart is the stack's output `configurations`, the map `declareConfigurations` returns and the
 * package's program exports: the keys it declared at the last update. A key of the state that is not
 * in it was declared in code. A stack without that output (a program that exports its YAML
 * configurations under another name, or a first update that failed) says nothing: none is taken for
 * code then, so that a YAML declaration removed is never taken for one kept in code.
 */
export function declaredInCode(
  resources: StateResource[],
  stateIds: ReadonlyMap<string, number>,
): Map<string, DeclaredValues<StateSecret>> {
  const exported = resources.find((r) => r.type === ROOT_STACK_TYPE)?.outputs?.configurations;
  if (typeof exported !== "object" || exported === null || Array.isArray(exported)) return new Map();
  const fromYaml = new Set(Object.keys(exported));
  const found = new Map<string, DeclaredValues<StateSecret>>();
  for (const r of resources) {
    if (!held(r)) continue;
    const key = keyOf(r);
    if (fromYaml.has(key) || stateIds.get(key) !== Number(r.id)) continue;
    found.set(key, declaredValues(key, r.inputs ?? {}));
  }
  return found;
}

/** The state's inputs as a declaration's values: a secret recorded is declared, its value unknown here. */
function declaredValues(key: string, inputs: Record<string, unknown>): DeclaredValues<StateSecret> {
  const values: Record<string, unknown> = {};
  for (const field of DECLARED_FIELDS) {
    const value = inputs[field.name];
    if (value === undefined || value === null) continue;
    values[field.name] = "secret" in field ? "encrypted" : value;
  }
  if (typeof values.name !== "string") values.name = key;
  return values as DeclaredValues<StateSecret>;
}

/**
 * A resource's key, as its ownership mark names it: its name at the top of the stack (a YAML
 * declaration's key); under a parent, where names repeat (two components may each hold a "trunk"),
 * what the mark records: the parent's URN and the name for the dynamic resource, the whole URN for the
 * native one.
 */
export function keyOf(r: StateResource): string {
  const name = r.urn.split("::").slice(3).join("::");
  const types = r.urn.split("::")[2] ?? "";
  if (!types.includes("$")) return name;
  if (r.type === NATIVE_RESOURCE_TYPE || !r.parent) return r.urn;
  return `${r.parent}::${name}`;
}

/**
 * Key → configuration id of the stack's configurations. Two keys holding one id (a `pulumi import` of
 * an id the stack held already: the plugin cannot see the stack's other resources then) are an error:
 * deleting either resource would delete the configuration the other holds.
 */
export function stateIdsOf(resources: StateResource[], stack: string): Map<string, number> {
  const stateIds = new Map<string, number>();
  const keysOf = new Map<number, string[]>();
  const typeOf = new Map<string, string>();
  for (const r of resources) {
    if (!held(r)) continue;
    const key = keyOf(r);
    // The dynamic and the native resource of one key (telephony:plugin switched by hand): which one a
    // report would follow is a guess, and a wrong guess names the other's configuration left behind.
    if (stateIds.has(key) && typeOf.get(key) !== r.type)
      throw new Error(
        `key ${key} of stack ${stack} is held twice, as the dynamic and the native resource (configurations ${stateIds.get(key)} and ${r.id}): ` +
          "move a stack with telephony-config migrate, never by switching telephony:plugin alone; keep one (pulumi state delete the other's URN: nothing is deleted in the API).",
      );
    stateIds.set(key, Number(r.id));
    typeOf.set(key, r.type);
    keysOf.set(Number(r.id), [...(keysOf.get(Number(r.id)) ?? []), key]);
  }
  const shared = [...keysOf].filter(([, keys]) => keys.length > 1);
  if (shared.length)
    throw new Error(
      shared
        .map(
          ([id, keys]) =>
            `configuration ${id} is held by ${keys.length} resources of stack ${stack} (${keys.join(", ")}): deleting either deletes it for all. ` +
            `Keep one: pulumi state delete the others' URNs (nothing is deleted in the API).`,
        )
        .join("\n"),
    );
  return stateIds;
}

/** The declarations the stack's program reads: its telephony:declarations, relative to the project. */
export function declarationPaths(info: StackConfig): string[] {
  if (info.secretKeys.has("telephony:declarations")) throw new Error(DECLARATIONS_NOT_SECRET);
  return configuredPaths(info.config["telephony:declarations"]).map((path) => resolve(info.dir, path));
}

/**
 * The stack's declaration paths relative to the working directory, where they are read from: every
 * file the output names is then relative to it, as the paths a user gives are.
 */
export const declarationPathsHere = (info: StackConfig): string[] =>
  declarationPaths(info).map((path) => relative(process.cwd(), path) || ".");

/** A value of the project's own config (`${secret:KEY}`, `${config:KEY}`), secrets decrypted. */
export const projectValue = (info: StackConfig, key: string): string | undefined =>
  info.config[`${info.project}:${key}`];

/** What `${config:…}` and `${stack}` resolve to for this stack, as its program resolves them. */
export const stackValues = (info: StackConfig): StackValues =>
  projectStackValues(
    info.name,
    info.project,
    (key) => info.config[key],
    (key) => info.secretKeys.has(key),
  );
