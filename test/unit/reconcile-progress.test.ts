import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import {
  namedCounts,
  plannedStepOf,
  refusal,
  stepOf,
  stepText,
  unannouncedSteps,
  type PlannedStep,
  type StepProgress,
} from "../../src/gitops/reconcile.js";
import type { ConfigurationDrift, DriftReport, RemovedConfiguration } from "../../src/gitops/report.js";

const DYNAMIC = "pulumi-nodejs:dynamic/telephony:ProviderConfiguration";
const NATIVE = "telephony:index:ProviderConfiguration";
const metadata = (op: string, type = DYNAMIC, key = "twilio-support") => ({
  op,
  type,
  urn: `urn:pulumi:prod::voice::${type}::${key}`,
});
const event = (over: Partial<EngineEvent>): EngineEvent => ({ sequence: 1, timestamp: 0, ...over }) as EngineEvent;

describe("reconcile --apply: each configuration's step, from the engine's events", () => {
  it.each<[string, EngineEvent, StepProgress | undefined]>([
    [
      "a step begins",
      event({ resourcePreEvent: { metadata: metadata("update") } as never }),
      { phase: "start", op: "update", key: "twilio-support" },
    ],
    [
      "a step ends",
      event({ resOutputsEvent: { metadata: metadata("create", NATIVE, "jio") } as never }),
      { phase: "done", op: "create", key: "jio" },
    ],
    [
      "a step fails",
      event({ resOpFailedEvent: { metadata: metadata("delete"), status: 1, steps: 1 } as never }),
      { phase: "failed", op: "delete", key: "twilio-support" },
    ],
    [
      // Keyed as drift keys it: two components may each hold a "trunk".
      "a step of one under a component",
      event({
        resourcePreEvent: {
          metadata: {
            op: "delete",
            type: DYNAMIC,
            urn: `urn:pulumi:prod::voice::acme:Team$${DYNAMIC}::trunk`,
            old: { parent: "urn:pulumi:prod::voice::acme:Team::a" },
          },
        } as never,
      }),
      { phase: "start", op: "delete", key: "urn:pulumi:prod::voice::acme:Team::a::trunk" },
    ],
    ["nothing to do is no step", event({ resourcePreEvent: { metadata: metadata("same") } as never }), undefined],
    [
      "the stack or a provider is no configuration",
      event({
        resourcePreEvent: { metadata: metadata("create", "pulumi:providers:pulumi-nodejs", "default") } as never,
      }),
      undefined,
    ],
    [
      "planning changes nothing",
      event({ resourcePreEvent: { metadata: metadata("update"), planning: true } as never }),
      undefined,
    ],
    [
      "other events",
      event({ diagnosticEvent: { message: "x", color: "never", severity: "info" } as never }),
      undefined,
    ],
  ])("%s", (_name, e, expected) => {
    expect(stepOf(e)).toEqual(expected);
  });

  it.each<[StepProgress, { progress?: string; line?: string }]>([
    [{ phase: "start", op: "refresh", key: "a" }, { progress: "refreshing a" }],
    [{ phase: "done", op: "refresh", key: "a" }, {}],
    [{ phase: "start", op: "update", key: "a" }, { progress: "updating a" }],
    [{ phase: "done", op: "update", key: "a" }, { line: "updated a" }],
    [{ phase: "start", op: "create", key: "a" }, { progress: "creating a" }],
    [{ phase: "done", op: "create", key: "a" }, { line: "created a" }],
    [{ phase: "start", op: "delete", key: "a" }, { progress: "deleting a" }],
    [{ phase: "done", op: "delete", key: "a" }, { line: "deleted a" }],
    [
      { phase: "start", op: "create-replacement", key: "a" },
      { progress: "replacing a (creating the new configuration)" },
    ],
    [{ phase: "done", op: "create-replacement", key: "a" }, {}],
    [{ phase: "start", op: "replace", key: "a" }, {}],
    [{ phase: "start", op: "delete-replaced", key: "a" }, { progress: "replacing a (deleting the old configuration)" }],
    [{ phase: "done", op: "delete-replaced", key: "a" }, { line: "replaced a" }],
    [{ phase: "failed", op: "update", key: "a" }, { line: "failed: update a" }],
  ])("%j is shown as %j", (step, shown) => {
    expect(stepText(step)).toEqual(shown);
  });
});

/** A report with the given configurations (`replaces` or not) and removed keys; the rest is not read. */
const report = (configurations: [string, boolean][], removed: string[] = []): DriftReport =>
  ({
    configurations: configurations.map(([key, replaces]) => ({ key, replaces }) as ConfigurationDrift),
    removed: removed.map((key) => ({ key }) as RemovedConfiguration),
  }) as DriftReport;
const plan = (...steps: string[]): PlannedStep[] =>
  steps.map((s) => {
    const [op, key] = s.split(" ") as [PlannedStep["op"], string];
    return { op, key };
  });

describe("reconcile --apply: what the preview plans against what the report announced", () => {
  it.each<[string, EngineEvent, PlannedStep | undefined]>([
    [
      "a planned step (a preview's events are planning)",
      event({ resourcePreEvent: { metadata: metadata("delete", NATIVE, "c"), planning: true } as never }),
      { op: "delete", key: "c" },
    ],
    ["nothing to do", event({ resourcePreEvent: { metadata: metadata("same"), planning: true } as never }), undefined],
    [
      "the stack or a provider",
      event({
        resourcePreEvent: { metadata: metadata("delete", "pulumi:providers:pulumi-nodejs", "default") } as never,
      }),
      undefined,
    ],
    ["a step's end says nothing new", event({ resOutputsEvent: { metadata: metadata("delete") } as never }), undefined],
  ])("%s", (_name, e, expected) => {
    expect(plannedStepOf(e)).toEqual(expected);
  });

  it.each<[string, PlannedStep[], DriftReport, { key: string; does: string }[]]>([
    ["nothing planned", [], report([]), []],
    ["updates, creates and refreshes are never refused", plan("refresh a", "update a", "create b"), report([]), []],
    ["a delete the report lists as removed", plan("delete c"), report([], ["c"]), []],
    ["a discard of a removed configuration: it leaves the stack either way", plan("discard c"), report([], ["c"]), []],
    [
      "a replacement the report says up makes, in its three steps",
      plan("create-replacement d", "replace d", "delete-replaced d"),
      report([["d", true]]),
      [],
    ],
    [
      "a delete of a configuration the report calls in sync (declared in code, removed from the program)",
      plan("delete c"),
      report([["c", false]]),
      [{ key: "c", does: "delete" }],
    ],
    ["a delete of one the report does not know", plan("delete c"), report([]), [{ key: "c", does: "delete" }]],
    [
      "a replacement of one the report says is changed in place: once, for its three steps",
      plan("create-replacement d", "replace d", "delete-replaced d"),
      report([["d", false]]),
      [{ key: "d", does: "replace" }],
    ],
    [
      "a replacement with delete before replace",
      plan("delete-replaced d", "replace d", "create-replacement d"),
      report([]),
      [{ key: "d", does: "replace" }],
    ],
    [
      "a delete of one the report says up replaces: a delete was not announced",
      plan("delete d"),
      report([["d", true]]),
      [{ key: "d", does: "delete" }],
    ],
    [
      "a replacement of one the report lists as removed: a replacement was not announced",
      plan("replace c"),
      report([], ["c"]),
      [{ key: "c", does: "replace" }],
    ],
    ["a discard, orphaning it", plan("discard c"), report([["c", false]]), [{ key: "c", does: "discard" }]],
    [
      "a discard-replaced is part of a replacement",
      plan("discard-replaced d"),
      report([]),
      [{ key: "d", does: "replace" }],
    ],
    [
      "each one, in the preview's order, beside what was announced",
      plan("delete a", "update b", "delete c", "replace d", "delete-replaced e"),
      report([["e", true]], ["a"]),
      [
        { key: "c", does: "delete" },
        { key: "d", does: "replace" },
      ],
    ],
  ])("%s", (_name, planned, r, expected) => {
    expect(unannouncedSteps(planned, r)).toEqual(expected);
  });

  it.each<[{ key: string; does: "delete" | "replace" | "discard" }[], string]>([
    [[{ key: "c", does: "delete" }], "pulumi up would delete c, which"],
    [
      [
        { key: "c", does: "delete" },
        { key: "d", does: "replace" },
      ],
      "pulumi up would delete c and replace d, which",
    ],
    [
      [
        { key: "a", does: "delete" },
        { key: "b", does: "discard" },
        { key: "d", does: "replace" },
      ],
      "pulumi up would delete a, discard b and replace d, which",
    ],
  ])("refused for %j", (unannounced, says) => {
    const message = refusal(unannounced);
    expect(message).toMatch(/^reconcile --apply: refused, nothing was changed: /);
    expect(message).toContain(says);
    expect(message).toMatch(/run pulumi preview --diff to see why, then pulumi up yourself$/);
  });

  it.each<[string, Record<string, number>, StepProgress[], Record<string, number>]>([
    ["nothing deleted: up's counts", { same: 2, update: 1 }, [], { same: 2, update: 1 }],
    [
      "a delete and a replacement name their keys, once each",
      { delete: 1, replace: 1, same: 1, update: 1 },
      [
        { phase: "start", op: "delete", key: "c" },
        { phase: "done", op: "delete", key: "c" },
        { phase: "done", op: "create-replacement", key: "d" },
        { phase: "done", op: "replace", key: "d" },
        { phase: "done", op: "delete-replaced", key: "d" },
        { phase: "done", op: "update", key: "e" },
      ],
      { "delete (c)": 1, "replace (d)": 1, same: 1, update: 1 },
    ],
    [
      "two deletes; a step that failed or only began is not named",
      { delete: 2 },
      [
        { phase: "done", op: "delete", key: "a" },
        { phase: "done", op: "delete", key: "b" },
        { phase: "failed", op: "delete", key: "x" },
        { phase: "start", op: "delete", key: "y" },
      ],
      { "delete (a, b)": 2 },
    ],
  ])("applied: %s", (_name, applied, steps, expected) => {
    expect(namedCounts(applied, steps)).toEqual(expected);
  });
});
