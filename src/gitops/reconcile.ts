import type { OpMap } from "@pulumi/pulumi/automation/index.js";
import { driftReport } from "./drift.js";
import { upWouldChange, type DriftReport } from "./report.js";
import { declarationPaths, readStack } from "./stack.js";

export interface PassResult {
  report: DriftReport;
  /** What `up` changed, with --apply when there was something to converge. */
  applied?: OpMap | undefined;
}

export interface PassOptions {
  stack: string;
  cwd: string;
  apply: boolean;
  env: Record<string, string | undefined>;
  onlyManaged?: boolean | undefined;
  ignore?: string[] | undefined;
}

/**
 * One reconciliation pass: the stack's config and state read once, one list request, the comparison
 * of `drift --stack`. Nothing is written unless `apply` is set and `pulumi up` has something to change
 * (unmanaged configurations are out of its reach); then `up --refresh` converges, through Pulumi's
 * Automation API on the stack's own program and backend.
 */
export async function reconcilePass(options: PassOptions): Promise<PassResult> {
  const info = await readStack(options.stack, options.cwd);
  const report = await driftReport(declarationPaths(info), { ...options, stack: info });
  if (!options.apply || !upWouldChange(report)) return { report };
  // Loaded only here: the Automation API takes a while to load, and a pass that writes nothing needs none of it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation/index.js");
  const stack = await LocalWorkspace.selectStack({ stackName: options.stack, workDir: info.dir });
  const up = await stack.up({ refresh: true });
  return { report, applied: up.summary.resourceChanges };
}
