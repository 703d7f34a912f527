// What a stack knows: its config (API settings, secret values) and the ids in its state. Read with
// the Pulumi CLI, as a user would, from the project directory.
import { relative, resolve } from "node:path";
import { projectStackValues, type StackValues } from "../declarations/interpolate.js";
import { configuredPaths, DECLARATIONS_NOT_SECRET } from "../declarations/load.js";
import { NATIVE_RESOURCE_TYPE, RESOURCE_TYPE } from "../model/resource-type.js";
import { projectDir, pulumi, readStackConfig, type StackConfig } from "../settings/stack-config.js";

export interface StackInfo extends StackConfig {
  /** Logical key → configuration id, from the stack's state. */
  stateIds: Map<string, number>;
}

export async function readStack(stack: string, cwd: string): Promise<StackInfo> {
  const dir = projectDir(cwd);
  const [config, stateJson] = await Promise.all([
    readStackConfig(stack, dir),
    pulumi(["stack", "export", "--stack", stack], dir),
  ]);
  const state = JSON.parse(stateJson) as { deployment?: { resources?: StateResource[] } };
  const stateIds = stateIdsOf(state.deployment?.resources ?? [], stack);
  return { ...config, stateIds };
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  delete?: boolean;
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
    // A resource pending deletion (the old half of a replacement that could not finish) is not the key's.
    // Dynamic or native: the same configurations, served by either host (telephony-config migrate).
    if ((r.type !== RESOURCE_TYPE && r.type !== NATIVE_RESOURCE_TYPE) || !r.id || r.delete) continue;
    const key = r.urn.slice(r.urn.lastIndexOf("::") + 2);
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
 * The stack's declaration paths as the working directory sees them: they are read from there, and every
 * file the output names is then relative to it, as the paths a user gives are.
 */
export const declarationPathsHere = (info: StackConfig, cwd: string): string[] =>
  declarationPaths(info).map((path) => relative(cwd, path) || ".");

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
