import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { formatProblem, type Declaration, type SecretReference } from "../declarations/declaration.js";
import { loadDeclarations } from "../declarations/load.js";
import { referenceState } from "../declarations/parse.js";
import { ProviderConfiguration } from "../provider/resource.js";

export interface ExportedConfiguration {
  id: number;
  name: string;
  provider: number;
  active: boolean;
}

/**
 * Registers one ProviderConfiguration per declaration found behind `source` (a file or a directory
 * of *.yaml; a relative path is relative to the Pulumi project, where Pulumi.yaml is). All problems
 * are reported at once, and nothing is registered if there is any.
 */
export function declareConfigurations(source: string): pulumi.Output<Record<string, ExportedConfiguration>> {
  source = resolve(pulumi.runtime.getRootDirectory(), source);
  const projectConfig = new pulumi.Config();
  const secretValue = (ref: SecretReference): pulumi.Output<string> | undefined => {
    if (ref.kind === "secret") return projectConfig.getSecret(ref.name);
    const value = process.env[ref.name];
    return value === undefined ? undefined : pulumi.secret(value);
  };

  const { declarations, problems } = loadDeclarations([source], {
    // The plain value, only to tell unset from empty: it never leaves this call.
    isSet: (ref) => referenceState(ref.kind === "secret" ? pulumi.runtime.getConfig(`${pulumi.getProject()}:${ref.name}`) : process.env[ref.name]),
    unsetReference: "error",
  });
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length) {
    throw new pulumi.RunError(
      `invalid telephony declarations (nothing was registered):\n${errors.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
  }

  const resources = declarations.map((d: Declaration) => {
    const resource = new ProviderConfiguration(
      d.key,
      {
        name: d.name,
        provider: d.provider,
        active: d.active,
        apiKey: d.apiKey && secretValue(d.apiKey),
        apiSecret: d.apiSecret && secretValue(d.apiSecret),
        baseUrl: d.baseUrl,
        sipUrl: d.sipUrl,
        meta: d.meta,
        importId: d.importId,
      },
      { protect: d.protect, aliases: d.formerKeys.map((name) => ({ name })) },
    );
    return [d.key, resource] as const;
  });

  return pulumi.output(
    Object.fromEntries(
      resources.map(([key, r]) => [
        key,
        pulumi.all([r.id, r.name, r.provider, r.active]).apply(([id, name, provider, active]) => ({ id: Number(id), name, provider, active })),
      ]),
    ),
  );
}
