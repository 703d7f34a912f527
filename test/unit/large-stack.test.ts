// The large-stack mode's pure rules: when checkpoints count as skipped, what opts a stack in, what it admits.
import { describe, expect, it } from "vitest";
import { largeStackEnv } from "../../src/gitops/large-stack.js";
import { isLargeStackType, type ConfigurationInputs, type ConfigurationOutputs } from "../../src/model/index.js";
import { configure, type ProviderRuntime } from "../../src/runtime/index.js";
import { checkpointsSkipped, largeStackOptIn, refuseUnoptedSkip } from "../../src/settings/large-stack.js";

describe("checkpointsSkipped reads PULUMI_SKIP_CHECKPOINTS as the Pulumi CLI reads a boolean", () => {
  it.each([
    ["1", true],
    ["true", true],
    ["TRUE", true],
    ["True", true],
    ["0", false],
    ["false", false],
    ["yes", false],
    ["", false],
    [undefined, false],
  ])("%j: %s", (value, skipped) => {
    expect(checkpointsSkipped({ PULUMI_SKIP_CHECKPOINTS: value })).toBe(skipped);
  });
});

describe("largeStackOptIn", () => {
  it.each([
    ["true", true],
    [" True ", true],
    ["false", false],
    ["", false],
    [undefined, false],
  ])("%j: %s", (value, optedIn) => {
    expect(largeStackOptIn(value)).toBe(optedIn);
  });

  it.each(["yes", "1", "on", "tru"])("%j is refused, without echoing it", (value) => {
    expect(() => largeStackOptIn(value)).toThrow(/^telephony:largeStack must be true or false$/);
  });
});

describe("refuseUnoptedSkip", () => {
  it.each([
    [undefined, {}, false],
    [undefined, { PULUMI_SKIP_CHECKPOINTS: "true" }, true],
    ["false", { PULUMI_SKIP_CHECKPOINTS: "1" }, true],
    ["true", { PULUMI_SKIP_CHECKPOINTS: "true" }, false],
    ["true", {}, false],
    [undefined, { PULUMI_SKIP_CHECKPOINTS: "false" }, false],
  ])("opt-in %j, env %j: refused %s", (optIn, env, refused) => {
    const run = () => refuseUnoptedSkip(optIn, env);
    if (refused)
      expect(run).toThrow(
        /^the Pulumi CLI skips its checkpoints \(PULUMI_SKIP_CHECKPOINTS\) but this stack has not opted into the large-stack mode, so nothing was written: .* pulumi config set telephony:largeStack true\. Otherwise unset PULUMI_SKIP_CHECKPOINTS\.$/,
      );
    else expect(run).not.toThrow();
  });
});

describe("isLargeStackType", () => {
  it.each([
    ["pulumi-nodejs:dynamic/telephony:ProviderConfiguration", true, true],
    ["telephony:index:ProviderConfiguration", true, true],
    ["pulumi:providers:telephony", true, true],
    ["pulumi:providers:pulumi-nodejs", true, true],
    ["pulumi:pulumi:Stack", false, true],
    ["acme:index:Component", false, true],
    ["pulumi-nodejs:dynamic:Resource", true, false],
    ["aws:s3/bucket:Bucket", true, false],
    ["pulumi:providers:aws", true, false],
    ["pulumi:pulumi:StackReference", true, false],
  ])("%s (custom %s): %s", (type, custom, admitted) => {
    expect(isLargeStackType(type, custom)).toBe(admitted);
  });
});

describe("largeStackEnv: where reconcile --apply skips checkpoints", () => {
  const stack = (optIn: string | undefined, otherTypes: string[] = []) => ({
    name: "prod",
    config: (optIn === undefined ? {} : { "telephony:largeStack": optIn }) as Record<string, string>,
    otherTypes,
  });

  it("nothing for a stack that does not opt in, whatever it holds", () => {
    expect(largeStackEnv(stack(undefined, ["aws:s3/bucket:Bucket"]))).toEqual({});
    expect(largeStackEnv(stack("false"))).toEqual({});
  });

  it("checkpoints skipped for one that opts in and holds only configurations", () => {
    expect(largeStackEnv(stack("true"))).toEqual({ PULUMI_SKIP_CHECKPOINTS: "true" });
  });

  it("refused, naming the types, for one that opts in and holds another provider's resources", () => {
    expect(() => largeStackEnv(stack("true", ["aws:s3/bucket:Bucket", "pulumi:providers:aws"]))).toThrow(
      "stack prod opts into the large-stack mode (telephony:largeStack), but its state holds resources of other providers " +
        "(aws:s3/bucket:Bucket, pulumi:providers:aws), which an interrupted run without checkpoints could leave behind or create twice: " +
        "nothing was changed. Move them to another stack, or unset telephony:largeStack.",
    );
  });

  it("a malformed opt-in is an error, not off", () => {
    expect(() => largeStackEnv(stack("yes"))).toThrow(/^telephony:largeStack must be true or false$/);
  });
});

describe("the runtime asks mayWrite before each write, never before a read", () => {
  const refusing = () =>
    configure({
      settings: () => {
        throw new Error("settings are not reached: the guard comes first");
      },
      notice: () => undefined,
      mayWrite: () => refuseUnoptedSkip(undefined, { PULUMI_SKIP_CHECKPOINTS: "true" }),
    });
  const inputs = { name: "Twilio", provider: 3 } as ConfigurationInputs;
  const state = { name: "Twilio", provider: 3 } as ConfigurationOutputs;

  it.each([
    ["create", (r: ProviderRuntime) => r.create(inputs)],
    ["update", (r: ProviderRuntime) => r.update("7", state, inputs)],
    ["delete", (r: ProviderRuntime) => r.delete("7", state)],
  ])("%s is refused by the guard", async (_name, call) => {
    await expect(call(refusing())).rejects.toThrow(/has not opted into the large-stack mode, so nothing was written/);
  });

  it("read reaches the settings, not the guard", async () => {
    await expect(refusing().read("7", state)).rejects.toThrow(/settings are not reached/);
  });
});
