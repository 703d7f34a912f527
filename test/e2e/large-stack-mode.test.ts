// The large-stack mode's guards through the real Pulumi CLI: checkpoints skipped on a stack that has not
// opted in, or beside another provider's resources, write nothing; opted in, up and destroy run as usual.
import { afterEach, describe, expect, it } from "vitest";
import { caught } from "../helpers/caught.js";
import { runCli } from "../helpers/cli.js";
import { programWithCode } from "../helpers/program-with-code.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const SKIP = { PULUMI_SKIP_CHECKPOINTS: "true" };
const YAML = "configurations:\n  twilio:\n    name: Twilio\n    provider: 3\n  jio:\n    name: Jio\n    provider: 2\n";
const REFUSAL =
  "the Pulumi CLI skips its checkpoints (PULUMI_SKIP_CHECKPOINTS) but this stack has not opted into the large-stack mode, so nothing was written";
/** A resource of another provider: a dynamic resource of Pulumi's own kind. */
const FOREIGN =
  'new pulumi.dynamic.Resource({ async create(inputs) { return { id: "foreign-1", outs: inputs }; } }, "foreign", {}, {});';

/** What a failed `pulumi` command printed. */
const printed = (error: Error) => {
  const e = error as Error & { stdout?: string; stderr?: string };
  return `${e.stdout}${e.stderr}`;
};
const writes = (stack: TelephonyStack, from = 0) =>
  stack.api.server.requests.slice(from).filter((r) => r.method !== "GET").length;

describe("the large-stack mode through the real Pulumi CLI", () => {
  it("checkpoints skipped without telephony:largeStack: up and destroy are refused and write nothing, for either host", async () => {
    for (const plugin of [undefined, "native"] as const) {
      s = await telephonyStack(plugin ? { plugin } : {});
      await s.declare(YAML);
      const up = await caught(s.t.cli(["up", "--yes", "--skip-preview"], SKIP));
      expect(printed(up)).toContain(REFUSAL);
      expect(await s.api.client.list()).toEqual([]);
      expect(writes(s)).toBe(0);

      await s.t.cli(["up", "--yes", "--skip-preview"]);
      const before = s.api.server.requests.length;
      const destroy = await caught(s.t.cli(["destroy", "--yes", "--skip-preview"], SKIP));
      expect(printed(destroy)).toContain(REFUSAL);
      expect((await s.api.client.list()).map((c) => c.name).sort()).toEqual(["Jio", "Twilio"]);
      expect(writes(s, before)).toBe(0);
      await s.t.cli(["destroy", "--yes", "--skip-preview"]);
      await s.close();
      s = undefined;
    }
  });

  it("opted in: up, preview and destroy with checkpoints skipped; a resource of another provider in the program is refused, never created", async () => {
    s = await telephonyStack();
    await s.stack.setConfig("telephony:largeStack", { value: "true" });
    await s.stack.setConfig("telephony:declarations", { value: "telephony" });
    programWithCode(s.project.dir, YAML, [FOREIGN]);
    const refused = await caught(s.t.cli(["up", "--yes", "--skip-preview"], SKIP));
    expect(printed(refused)).toContain(
      "foreign (pulumi-nodejs:dynamic:Resource) is not a telephony configuration, and this stack runs in the large-stack mode " +
        "(telephony:largeStack, checkpoints skipped), which only telephony configurations recover from: it was not created, and the update fails.",
    );
    // What the program registered beside it ran, and is in the state the failed update wrote at its end.
    const live = (await s.api.client.list()).map((c) => String(c.id)).sort();
    const state = JSON.parse((await s.t.cli(["stack", "export"])).stdout).deployment.resources;
    expect(state.map((r: { type: string }) => r.type)).not.toContain("pulumi-nodejs:dynamic:Resource");
    expect(
      state
        .filter((r: { type: string }) => r.type.endsWith(":ProviderConfiguration"))
        .map((r: { id: string }) => r.id)
        .sort(),
    ).toEqual(live);

    programWithCode(s.project.dir, YAML, []);
    await s.t.cli(["up", "--yes", "--skip-preview"], SKIP);
    expect((await s.api.client.list()).map((c) => c.name).sort()).toEqual(["Jio", "Twilio"]);
    await s.t.cli(["preview", "--refresh", "--expect-no-changes"], SKIP);
    await s.t.cli(["destroy", "--yes", "--skip-preview"], SKIP);
    expect(await s.api.client.list()).toEqual([]);
  });

  it("reconcile --apply runs up without checkpoints for a stack that opts in, and refuses one whose state holds another provider's resources", async () => {
    s = await telephonyStack();
    await s.stack.setConfig("telephony:declarations", { value: "telephony" });
    const cli = (args: string[]) => runCli(args, { cwd: s!.project.dir, env: s!.t.env });
    // Another provider's resource in the state, from before the opt-in.
    programWithCode(s.project.dir, YAML, [FOREIGN]);
    await s.t.cli(["up", "--yes", "--skip-preview"]);
    await s.stack.setConfig("telephony:largeStack", { value: "true" });
    programWithCode(s.project.dir, `${YAML}  livekit:\n    name: LiveKit\n    provider: 4\n`, [FOREIGN]);
    const before = s.api.server.requests.length;
    const refused = await cli(["reconcile", "--stack", "test", "--apply"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      "telephony-config: stack test opts into the large-stack mode (telephony:largeStack), but its state holds resources of other providers " +
        "(pulumi-nodejs:dynamic:Resource), which an interrupted run without checkpoints could leave behind or create twice: " +
        "nothing was changed. Move them to another stack, or unset telephony:largeStack.\n",
    );
    expect(writes(s, before)).toBe(0);

    // Gone from the state, the stack is all configurations: --apply runs up with checkpoints skipped, which
    // the program's guard proves by refusing the other provider's resource declared again.
    await s.stack.setConfig("telephony:largeStack", { value: "false" });
    programWithCode(s.project.dir, YAML, []);
    await s.t.cli(["up", "--yes", "--skip-preview"]);
    await s.stack.setConfig("telephony:largeStack", { value: "true" });
    programWithCode(s.project.dir, `${YAML}  livekit:\n    name: LiveKit\n    provider: 4\n`, [FOREIGN]);
    const guarded = await cli(["reconcile", "--stack", "test", "--apply"]);
    expect(guarded.code).toBe(1);
    expect(guarded.stderr).toContain("foreign (pulumi-nodejs:dynamic:Resource) is not a telephony configuration");
    expect(await s.api.client.list()).toHaveLength(2);

    programWithCode(s.project.dir, `${YAML}  livekit:\n    name: LiveKit\n    provider: 4\n`, []);
    const applied = await cli(["reconcile", "--stack", "test", "--apply"]);
    expect(applied.stderr).toBe("");
    expect((await s.api.client.list()).map((c) => c.name).sort()).toEqual(["Jio", "LiveKit", "Twilio"]);
  });
});
