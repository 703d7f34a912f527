import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import { stepOf, stepText, type StepProgress } from "../../src/gitops/reconcile.js";

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
