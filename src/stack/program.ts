import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { formatProblem, type Declaration, type SecretReference } from "../declarations/declaration.js";
import { loadDeclarations } from "../declarations/load.js";
import { projectStackValues, type StackValues } from "../declarations/interpolate.js";
import { referenceState } from "../declarations/parse.js";
import { withSecrets } from "../model/index.js";
import { NativeProviderConfiguration } from "../pulumi/native-resource.js";
import { ProviderConfiguration } from "../pulumi/resource.js";
import { guardLargeStack } from "./large-stack.js";

/** The resource a stack's declarations become: stack config `telephony:plugin` (`dynamic`, the default, or `native`). */
function resourceClass(): typeof ProviderConfiguration | typeof NativeProviderConfiguration {
  const plugin = pulumi.runtime.getConfig("telephony:plugin") ?? "dynamic";
  if (plugin === "dynamic") return ProviderConfiguration;
  if (plugin === "native") return NativeProviderConfiguration;
  throw new pulumi.RunError(`telephony:plugin must be dynamic or native, not ${JSON.stringify(plugin)}`);
}

export interface ExportedConfiguration {
  id: number;
  name: string;
  provider: number;
  active: boolean;
}

/**
 * Registers one ProviderConfiguration per declaration found behind `sources` (files or directories of
 * *.yaml; a relative path is relative to the Pulumi project, where Pulumi.yaml is), with `${config:…}`
 * and `${stack}` resolved for the stack being run. All problems are reported at once, and nothing is
 * registered if there is any.
 */
export function declareConfigurations(
  sources: string | string[],
): pulumi.Output<Record<string, ExportedConfiguration>> {
  guardLargeStack();
  const paths = (Array.isArray(sources) ? sources : [sources]).map((source) =>
    resolve(pulumi.runtime.getRootDirectory(), source),
  );
  const project = pulumi.getProject();
  const projectConfig = new pulumi.Config();
  const secretValue = (ref: SecretReference): pulumi.Output<string> | undefined => {
    if (ref.kind === "secret") return projectConfig.getSecret(ref.name);
    const value = process.env[ref.name];
    return value === undefined ? undefined : pulumi.secret(value);
  };

  const { declarations, problems } = loadDeclarations(paths, {
    isSet: (ref) => {
      if (ref.kind === "env") return referenceState(process.env[ref.name]);
      // The value, only to tell unset from empty: it never leaves this call.
      const key = `${project}:${ref.name}`;
      return referenceState(pulumi.runtime.getConfig(key), { plainText: !isSecretConfig(key) });
    },
    unsetReference: "error",
    stack: thisStack(project),
    unresolved: "error",
  });
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length) {
    throw new pulumi.RunError(
      `invalid telephony declarations (nothing was registered):\n${errors.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
  }

  // An adoption waits until every other configuration has been diffed, so that the provider knows
  // which ids the stack already holds: an import of one of them is refused at check, naming its holder.
  const Resource = resourceClass();
  const registered: pulumi.CustomResource[] = [];
  const resources = [
    ...declarations.filter((d) => d.importId === undefined),
    ...declarations.filter((d) => d.importId !== undefined),
  ].map((d: Declaration) => {
    const resource = new Resource(
      d.key,
      { ...withSecrets(d, secretValue), importId: d.importId },
      {
        protect: d.protect,
        aliases: d.formerKeys.map((name) => ({ name })),
        ...(d.importId === undefined ? {} : { dependsOn: [...registered] }),
      },
    );
    if (d.importId === undefined) registered.push(resource);
    return [d.key, resource] as const;
  });

  // One map for all the keys: one per key made the program's work grow with the square of the stack.
  const byKey = new Map(resources);
  return pulumi.output(
    Object.fromEntries(
      declarations
        .map(({ key }) => [key, byKey.get(key)!] as const)
        .map(([key, r]) => [
          key,
          pulumi
            .all([r.id, r.name, r.provider, r.active])
            .apply(([id, name, provider, active]) => ({ id: Number(id), name, provider, active })),
        ]),
    ),
  );
}

// Set by every Node.js language host from the engine's list of secret keys; not in the typings.
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;

/** Whether the stack holds `key` (fully qualified) as a secret; throws where this @pulumi/pulumi cannot tell. */
export function isSecretConfig(key: string): boolean {
  if (!isConfigSecret)
    throw new Error(
      `cannot tell whether stack config ${key} is a secret with this @pulumi/pulumi (3.139 or later is needed)`,
    );
  return isConfigSecret(key);
}

/** The stack being run, for `${config:…}` (a plain value of the project's config) and `${stack}`. */
const thisStack = (project: string): StackValues =>
  projectStackValues(pulumi.getStack(), project, pulumi.runtime.getConfig, isSecretConfig);
