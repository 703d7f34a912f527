// What registering a configuration resource costs the program, for both resource classes: Pulumi's
// promises for its properties are made without stack traces (formatting one per property, through the
// program's source maps, cost the native resource's `up` of 1,000 configurations 1.7× the dynamic
// one's), while an error thrown in that window still gets its trace. Counted, never timed.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { NativeProviderConfiguration } from "../../src/pulumi/native-resource.js";
import { ProviderConfiguration } from "../../src/pulumi/resource.js";

const CLASSES = [
  ["ProviderConfiguration", ProviderConfiguration],
  ["NativeProviderConfiguration", NativeProviderConfiguration],
] as const;

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
    "telephony-config",
    "test",
  );
});

const prepare = Error.prepareStackTrace;
afterEach(() => {
  Error.prepareStackTrace = prepare;
});

/** How many stack traces with frames are formatted while `work` runs. */
function tracesFormatted(work: () => void): number {
  let count = 0;
  const format = (error: Error, frames: NodeJS.CallSite[]) => {
    if (frames.length) count++;
    return prepare ? prepare(error, frames) : `${String(error)}${frames.map((f) => `\n    at ${String(f)}`).join("")}`;
  };
  Error.prepareStackTrace = format;
  try {
    work();
  } finally {
    Error.prepareStackTrace = prepare;
  }
  return count;
}

describe.each(CLASSES)("%s", (_, Resource) => {
  it.each([1, 5, 20])("%i registered: one trace each, Pulumi's source position, none per property", (count) => {
    const formatted = tracesFormatted(() => {
      for (let i = 0; i < count; i++)
        new Resource(`cfg-${i}`, { name: `Config ${i}`, provider: 3, apiKey: "k", sipUrl: "sip:a.example" });
    });
    expect(formatted).toBe(count);
  });

  it("an error thrown while registering keeps a stack trace from the line that made the resource", () => {
    let error: Error | undefined;
    try {
      new Resource("prod", { name: "Prod", provider: 3 }, { providers: 5 } as unknown as pulumi.CustomResourceOptions);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/providers/);
    expect(error?.stack).toContain("resource-registration.test.ts");
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });
});
