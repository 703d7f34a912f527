// After an `up` that failed part way, the stack's exported map of YAML keys is the one before it, while
// what the failed `up` created is in the state: drift must not take such a configuration, removed from the
// files since, for one declared in code ("in sync") when `up` would delete it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const declare = (yaml: string) => writeFileSync(join(s!.project.dir, "telephony.yaml"), yaml);
const A = "configurations:\n  a:\n    name: A\n    provider: 3\n";

describe("drift --stack after a failed up", () => {
  it("calls a configuration the failed up created and the files no longer declare removed, as preview does", async () => {
    s = await telephonyStack();
    declare(A);
    await s.stack.up();
    // c is created; d imports an id that does not exist: the up fails, the stack's outputs stay as they were.
    declare(`${A}  c:\n    name: C\n    provider: 2\n  d:\n    import: 9999\n    provider: 3\n`);
    await expect(s.stack.up()).rejects.toThrow(/9999/);
    const c = (await s.api.client.list()).find((x) => x.name === "C")!;
    declare(A);

    const preview = await s.stack.preview();
    expect(preview.changeSummary.delete).toBe(1);
    const drift = await runCli(["drift", "--stack", "test"], { cwd: s.project.dir, env: s.t.env });
    expect(drift.stdout).toContain(
      `removed  c #${c.id} "C": in the stack, no longer declared: \`pulumi up\` deletes it`,
    );
    expect(drift.stdout).not.toContain("declared in code");
    expect(drift.code).toBe(2);

    // Once an up succeeds, the map is current again: nothing left to report.
    await s.stack.up();
    const clean = await runCli(["drift", "--stack", "test"], { cwd: s.project.dir, env: s.t.env });
    expect(clean.code).toBe(0);
  });
});
