import { resolve } from "node:path";
import { LocalWorkspace, type OpMap } from "@pulumi/pulumi/automation/index.js";
import { driftReport } from "./drift.js";
import type { DriftReport } from "./report.js";

export interface PassResult {
  report: DriftReport;
  /** What `up` changed, with --apply when there was something to converge. */
  applied?: OpMap | undefined;
}

/**
 * One reconciliation pass through Pulumi's Automation API, on the stack's own program and backend:
 * refresh, compare, and with `apply`, `up` to converge.
 */
export async function reconcilePass(options: { stack: string; cwd: string; apply: boolean; env: Record<string, string | undefined> }): Promise<PassResult> {
  const stack = await LocalWorkspace.selectStack({ stackName: options.stack, workDir: options.cwd });
  await stack.refresh();
  const config = await stack.getAllConfig();
  const declarations = resolve(options.cwd, config["telephony:declarations"]?.value ?? "telephony");
  const report = await driftReport([declarations], { stack: options.stack, cwd: options.cwd, env: options.env });
  if (!options.apply || report.inSync) return { report };
  const up = await stack.up();
  return { report, applied: up.summary.resourceChanges };
}
