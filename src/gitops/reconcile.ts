import type { EngineEvent, OpMap, OpType } from "@pulumi/pulumi/automation/index.js";
import { NATIVE_RESOURCE_TYPE, RESOURCE_TYPE } from "../model/resource-type.js";
import { driftReport } from "./drift.js";
import { upWouldChange, type DriftReport } from "./report.js";
import { readStack } from "./stack.js";

export interface PassResult {
  report: DriftReport;
  /** What `up` changed, with --apply when there was something to converge. */
  applied?: OpMap | undefined;
}

/** One configuration's step in `up`: begun, done or failed. */
export interface StepProgress {
  phase: "start" | "done" | "failed";
  op: OpType;
  /** The resource's key in the stack. */
  key: string;
}

export interface PassOptions {
  stack: string;
  cwd: string;
  apply: boolean;
  env: Record<string, string | undefined>;
  onlyManaged?: boolean | undefined;
  ignore?: string[] | undefined;
  onWarning?: ((warning: string) => void) | undefined;
  /** Each configuration's step while `up` runs (with --apply). */
  onStep?: ((step: StepProgress) => void) | undefined;
}

/**
 * One reconciliation pass: the stack's config and state read once, one list request, the comparison
 * of `drift --stack`. Nothing is written unless `apply` is set and `pulumi up` has something to change
 * (unmanaged configurations are out of its reach); then `up --refresh` converges, through Pulumi's
 * Automation API on the stack's own program and backend.
 */
export async function reconcilePass(options: PassOptions): Promise<PassResult> {
  const info = await readStack(options.stack, options.cwd);
  const report = await driftReport([], { ...options, stack: info });
  if (!options.apply || !upWouldChange(report)) return { report };
  // Loaded only here: the Automation API takes a while to load, and a pass that writes nothing needs none of it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation/index.js");
  const stack = await LocalWorkspace.selectStack({ stackName: options.stack, workDir: info.dir });
  const { onStep } = options;
  const onEvent = onStep
    ? (event: EngineEvent) => {
        const step = stepOf(event);
        if (step) onStep(step);
      }
    : undefined;
  const up = await stack.up({ refresh: true, ...(onEvent ? { onEvent } : {}) });
  return { report, applied: up.summary.resourceChanges };
}

const CONFIGURATION_TYPES: ReadonlySet<string> = new Set([RESOURCE_TYPE, NATIVE_RESOURCE_TYPE]);

/**
 * A configuration's step from an engine event: its start, its outputs (done) or its failure. Steps that
 * change nothing (`same`) and other resources (the stack, providers) are none. Pure.
 */
export function stepOf(event: EngineEvent): StepProgress | undefined {
  const [phase, metadata] = event.resourcePreEvent
    ? (["start", event.resourcePreEvent.metadata] as const)
    : event.resOutputsEvent
      ? (["done", event.resOutputsEvent.metadata] as const)
      : event.resOpFailedEvent
        ? (["failed", event.resOpFailedEvent.metadata] as const)
        : [];
  // Planning (a preview) changes nothing; neither does a `same` step.
  const planning = (event.resourcePreEvent ?? event.resOutputsEvent)?.planning;
  if (!phase || planning || !CONFIGURATION_TYPES.has(metadata.type) || metadata.op === "same") return undefined;
  return { phase, op: metadata.op, key: metadata.urn.slice(metadata.urn.lastIndexOf("::") + 2) };
}

// What a step is doing, and what it did: a replacement is three steps (the new configuration created,
// the swap, the old one deleted), said as one.
const DOING: Partial<Record<OpType, string>> = {
  refresh: "refreshing",
  create: "creating",
  import: "adopting",
  update: "updating",
  delete: "deleting",
  "create-replacement": "replacing (creating the new configuration)",
  "delete-replaced": "replacing (deleting the old configuration)",
};
const DONE: Partial<Record<OpType, string>> = {
  create: "created",
  import: "adopted",
  update: "updated",
  delete: "deleted",
  "delete-replaced": "replaced",
};

/**
 * How a step is shown on a terminal: `progress`, the line that stands while it runs; `line`, kept once
 * it ends (none for a refresh or the middle of a replacement). Pure.
 */
export function stepText(step: StepProgress): { progress?: string; line?: string } {
  if (step.phase === "failed") return { line: `failed: ${step.op} ${step.key}` };
  if (step.phase === "start") {
    const doing = DOING[step.op];
    return doing ? { progress: doing.replace(/^(\S+)/, `$1 ${step.key}`) } : {};
  }
  const done = DONE[step.op];
  return done ? { line: `${done} ${step.key}` } : {};
}
