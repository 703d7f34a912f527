import type { EngineEvent, OpMap, OpType, StepEventMetadata } from "@pulumi/pulumi/automation/index.js";
import { isConfigurationType } from "../model/resource-type.js";
import { driftReport } from "./drift.js";
import { largeStackEnv } from "./large-stack.js";
import type { Applied } from "./render.js";
import { upWouldChange, type DriftReport } from "./report.js";
import { keyOf, readStack } from "./stack.js";

export interface PassResult {
  report: DriftReport;
  /** What `up` changed, with --apply when there was something to converge. */
  applied?: OpMap | undefined;
  /** `applied` as `applied:` says it, with the keys of what `up` deleted or replaced (namedCounts). */
  named?: Applied | undefined;
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
 * Automation API on the stack's own program and backend, once its preview deletes or replaces nothing
 * the report did not show: drift sees the state, not the program, so a configuration declared in code
 * and removed from it is "in sync" to the report, yet `up` deletes it.
 */
export async function reconcilePass(options: PassOptions): Promise<PassResult> {
  const info = await readStack(options.stack, options.cwd);
  const report = await driftReport([], { ...options, stack: info });
  if (!options.apply || !upWouldChange(report)) return { report };
  const envVars = largeStackEnv(info);
  // Loaded only here: the Automation API takes a while to load, and a pass that writes nothing needs none of it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation/index.js");
  const stack = await LocalWorkspace.selectStack({ stackName: options.stack, workDir: info.dir }, { envVars });

  const planned: PlannedStep[] = [];
  await stack.preview({
    refresh: true,
    onEvent: (event) => {
      const step = plannedStepOf(event);
      if (step) planned.push(step);
    },
  });
  const unannounced = unannouncedSteps(planned, report);
  if (unannounced.length) throw new Error(refusal(unannounced));

  const steps: StepProgress[] = [];
  const up = await stack.up({
    refresh: true,
    onEvent: (event) => {
      const step = stepOf(event);
      if (!step) return;
      steps.push(step);
      options.onStep?.(step);
    },
  });
  const applied = up.summary.resourceChanges;
  return { report, applied, named: applied && namedCounts(applied, steps) };
}

/** A configuration's step, planned or carried out: its op and its key. */
function configurationStep(metadata: StepEventMetadata): PlannedStep | undefined {
  if (!isConfigurationType(metadata.type) || metadata.op === "same") return undefined;
  // Keyed as drift keys it (a configuration under a component by its parent's URN and its name).
  const parent = metadata.new?.parent ?? metadata.old?.parent;
  return { op: metadata.op, key: keyOf({ urn: metadata.urn, type: metadata.type, ...(parent ? { parent } : {}) }) };
}

/** A step the preview plans for a configuration. */
export interface PlannedStep {
  op: OpType;
  key: string;
}

/** What a step the report must have announced does to a configuration. */
type Destructive = "delete" | "replace" | "discard";
const DESTRUCTIVE: Partial<Record<OpType, Destructive>> = {
  delete: "delete",
  // Out of the stack, left in the API (retainOnDelete): orphaned.
  discard: "discard",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  "discard-replaced": "replace",
};

/** A configuration's planned step from a preview's event (planning or not); others are none. Pure. */
export function plannedStepOf(event: EngineEvent): PlannedStep | undefined {
  return event.resourcePreEvent ? configurationStep(event.resourcePreEvent.metadata) : undefined;
}

/**
 * The deletes and replacements the preview plans that the report did not announce: a delete of a
 * configuration it does not list as removed, a replacement of one it does not say `up` replaces. One per
 * key (a replacement is several steps), in the preview's order. Pure.
 */
export function unannouncedSteps(
  planned: readonly PlannedStep[],
  report: DriftReport,
): { key: string; does: Destructive }[] {
  // A removed configuration may be discarded rather than deleted: it leaves the stack either way.
  const removed = new Set(report.removed.map((r) => r.key));
  const replaced = new Set(report.configurations.filter((c) => c.replaces).map((c) => c.key));
  const found = new Map<string, Destructive>();
  for (const { op, key } of planned) {
    const does = DESTRUCTIVE[op];
    if (!does || found.has(key) || (does === "replace" ? replaced : removed).has(key)) continue;
    found.set(key, does);
  }
  return [...found].map(([key, does]) => ({ key, does }));
}

/** Why --apply wrote nothing, naming each configuration up would have deleted or replaced. Pure. */
export function refusal(unannounced: readonly { key: string; does: Destructive }[]): string {
  const what = unannounced.map(({ key, does }) => `${does} ${key}`);
  const listed = what.length > 1 ? `${what.slice(0, -1).join(", ")} and ${what.at(-1)}` : what[0];
  return (
    `reconcile --apply: refused, nothing was changed: pulumi up would ${listed}, which the drift report did not show ` +
    "(a configuration declared in code removed from the program, or a failed update): " +
    "run pulumi preview --diff to see why, then pulumi up yourself"
  );
}

/**
 * `up`'s counts for `applied:`, a delete, replacement or discard followed by the keys it took, from its
 * steps: `1 delete (c)`. Pure.
 */
export function namedCounts(applied: OpMap, steps: readonly StepProgress[]): Applied {
  const keys = new Map<Destructive, Set<string>>();
  for (const { phase, op, key } of steps) {
    const does = DESTRUCTIVE[op];
    if (phase === "done" && does) keys.set(does, (keys.get(does) ?? new Set()).add(key));
  }
  return Object.fromEntries(
    Object.entries(applied).map(([op, n]) => {
      const taken = keys.get(op as Destructive);
      return [taken ? `${op} (${[...taken].join(", ")})` : op, n];
    }),
  );
}

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
  if (!phase || planning) return undefined;
  const step = configurationStep(metadata);
  return step && { phase, ...step };
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
