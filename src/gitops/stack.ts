// What a stack knows: its config (API settings, secret values) and the ids in its state. Read with
// the Pulumi CLI, as a user would, from the project directory.
import { resolve } from "node:path";
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
  const state = JSON.parse(stateJson) as {
    deployment?: { resources?: Array<{ urn: string; type: string; id?: string; delete?: boolean }> };
  };
  const stateIds = new Map<string, number>();
  for (const r of state.deployment?.resources ?? []) {
    // A resource pending deletion (the old half of a replacement that could not finish) is not the key's.
    // Dynamic or native: the same configurations, served by either host (telephony-config migrate).
    if ((r.type === RESOURCE_TYPE || r.type === NATIVE_RESOURCE_TYPE) && r.id && !r.delete)
      stateIds.set(r.urn.slice(r.urn.lastIndexOf("::") + 2), Number(r.id));
  }
  return { ...config, stateIds };
}

/** The declarations the stack's program reads: its telephony:declarations, relative to the project. */
export function declarationPaths(info: StackConfig): string[] {
  if (info.secretKeys.has("telephony:declarations")) throw new Error(DECLARATIONS_NOT_SECRET);
  return configuredPaths(info.config["telephony:declarations"]).map((path) => resolve(info.dir, path));
}

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
