import { formatProblem, type SecretReference } from "../declarations/declaration.js";
import { loadDeclarations } from "../declarations/load.js";
import { stackId } from "../model/ownership.js";
import { clientFor, commandSettings } from "../settings/settings.js";
import { compare } from "./compare.js";
import type { DriftReport } from "./report.js";
import { declarationPathsHere, projectValue, readStack, stackValues, type StackInfo } from "./stack.js";

export interface DriftOptions {
  /** Read API settings, secret values and state ids from this stack (read here, or already read). */
  stack?: string | StackInfo | undefined;
  /** Where the command runs (the process's working directory): --stack finds the project from it. */
  cwd: string;
  env: Record<string, string | undefined>;
  onlyManaged?: boolean | undefined;
  ignore?: string[] | undefined;
  /** Each warning the declarations carry (an unknown provider id…), as `file:line:col: warning: …`. */
  onWarning?: ((warning: string) => void) | undefined;
}

/**
 * Declarations against the live configurations, with one list request. Without paths, a stack's
 * own declarations (its telephony:declarations).
 */
export async function driftReport(paths: string[], options: DriftOptions): Promise<DriftReport> {
  const stack: StackInfo | undefined =
    typeof options.stack === "string" ? await readStack(options.stack, options.cwd) : options.stack;
  if (!paths.length) {
    if (!stack) throw new Error("drift needs a file or directory, or --stack");
    paths = declarationPathsHere(stack);
  }
  // Without a stack there is nothing to resolve ${config:…} and ${stack} with, and nothing to compare.
  const { declarations, problems } = loadDeclarations(paths, {
    isSet: () => "set",
    unsetReference: "warning",
    stack: stack && stackValues(stack),
    unresolved: "error",
  });
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length) throw new Error(`invalid declarations:\n${errors.map((p) => `  ${formatProblem(p)}`).join("\n")}`);
  for (const warning of problems) options.onWarning?.(formatProblem(warning, true));

  const settings = commandSettings(stack, options.env);
  // An empty value is no secret (`up` refuses it): not compared, rather than "changed".
  const secretValue = (ref: SecretReference) =>
    (ref.kind === "env" ? options.env[ref.name] : stack && projectValue(stack, ref.name)) || undefined;
  const client = clientFor(settings);
  try {
    const live = await client.list();
    return compare(declarations, live, {
      ...(stack
        ? {
            stack: {
              id: stackId(stack.project, stack.name),
              stateIds: stack.stateIds,
              ...(stack.declaredInCode ? { declaredInCode: stack.declaredInCode } : {}),
              ...(stack.config["telephony:plugin"] === "native" ? { host: "native" as const } : {}),
            },
          }
        : {}),
      secretValue,
      onlyManaged: options.onlyManaged ?? false,
      ignore: options.ignore ?? [],
    });
  } finally {
    await client.close();
  }
}
