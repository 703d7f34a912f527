// reconcile --apply carries out no delete or replacement its report did not show, through the real engine.
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { CODE_MADE, programWithCode } from "../helpers/program-with-code.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const cli = (args: string[]) => runCli(args, { cwd: s!.project.dir, env: s!.t.env });

const YAML =
  "configurations:\n  twilio-support:\n    name: Twilio Support\n    provider: 3\n  jio:\n    name: Jio\n    provider: 2\n";
/** The stack's program: telephony/ as YAML and, with `code`, the configuration declared in code beside it. */
const program = (yaml: string, code: boolean) => programWithCode(s!.project.dir, yaml, code ? [CODE_MADE] : []);

describe("reconcile --apply never carries out a delete its report did not show", () => {
  it("a configuration declared in code, removed from the program: refused, nothing written; put back, --apply converges and names what it deleted", async () => {
    s = await telephonyStack();
    await s.stack.setConfig("telephony:declarations", { value: "telephony" });
    program(YAML, true);
    await s.stack.up();
    const id = Object.fromEntries((await s.api.client.list()).map((c) => [c.name, c.id]));
    const history = async () => JSON.parse((await s!.t.cli(["stack", "history", "--json"])).stdout).length;
    const updates = await history();

    // The code's declaration removed from the program, and another configuration renamed by hand (drift).
    program(YAML, false);
    await s.api.client.update(id["Twilio Support"]!, { name: "Twilio (by hand)" });
    // drift reads the state, not the program: the code's configuration is in sync to it.
    const drifted = await cli(["drift", "--stack", "test"]);
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toContain(`in sync  code-made #${id["Code Made"]} (declared in code)`);
    expect(drifted.stdout).toMatch(/ 0 removed;/);

    const mark = s.api.server.requests.length;
    const refused = await cli(["reconcile", "--stack", "test", "--apply"]);
    expect(refused).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "telephony-config: reconcile --apply: refused, nothing was changed: pulumi up would delete code-made, which the drift report did not show " +
        "(a configuration declared in code removed from the program, or a failed update): run pulumi preview --diff to see why, then pulumi up yourself\n",
    });
    expect(s.api.server.requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);
    expect((await s.api.client.list()).map((c) => c.name).sort()).toEqual(["Code Made", "Jio", "Twilio (by hand)"]);
    expect(await history()).toBe(updates);

    // The declaration put back and jio removed from the files (a delete the report shows): --apply converges.
    program(YAML.replace(/ {2}jio:[^]*$/, ""), true);
    const applied = await cli(["reconcile", "--stack", "test", "--apply"]);
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(2);
    expect(applied.stdout).toMatch(/removed {2}jio #\d+ "Jio"/);
    expect(applied.stdout).toMatch(/^applied: 1 delete \(jio\), 2 same, 1 update$/m);
    expect((await s.api.client.list()).map((c) => c.name).sort()).toEqual(["Code Made", "Twilio Support"]);
    expect(await history()).toBe(updates + 1);
    expect((await cli(["reconcile", "--stack", "test"])).code).toBe(0);
  });
});
