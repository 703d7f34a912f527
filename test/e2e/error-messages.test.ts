// What a user sees through the real engine when the API refuses the stack's token: one message that
// names the setting to fix, said once, with no stack trace, for each operation and both resources.
import { afterEach, describe, expect, it } from "vitest";
import { TOKEN } from "../helpers/api.js";
import { telephonyStack, type TelephonyStack } from "../helpers/stack.js";

let s: TelephonyStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const BAD_TOKEN = "bad-token-5e1d2c";
const declarations = (name: string) =>
  ["configurations:", "  support:", `    name: ${name}`, "    provider: 3", "    sipUrl: sip:a.example.com"].join("\n");

/** `pulumi <args>`'s output, which must be a failure. */
async function failed(stack: TelephonyStack, args: string[]): Promise<string> {
  return stack.t.cli(args).then(
    (r) => {
      throw new Error(`pulumi ${args[0]} succeeded: ${r.stdout}`);
    },
    (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
  );
}

const HINT = "the API did not accept the token: check telephony:apiToken in the stack's config";

describe.each([
  { resource: "dynamic", plugin: undefined },
  { resource: "native", plugin: "native" as const },
])("a bad token in the stack's config, the $resource resource", ({ plugin }) => {
  it("up, refresh, preview and destroy each say the 401 once, with the setting, and no stack trace", async () => {
    s = await telephonyStack(plugin ? { plugin } : {});
    await s.declare(declarations("Support"));
    await s.t.cli(["up", "--yes", "--skip-preview"]);
    await s.stack.setConfig("telephony:apiToken", { value: BAD_TOKEN, secret: true });
    await s.declare(declarations("Support line"));

    // The failed up records the provider's new settings in the state, which refresh and destroy use.
    for (const args of [
      ["up", "--yes", "--skip-preview"],
      ["refresh", "--yes", "--skip-preview"],
      ["preview", "--refresh"],
      ["destroy", "--yes", "--skip-preview"],
    ]) {
      const output = await failed(s, args);
      // The engine repeats a resource's error in its progress lines; its diagnostics say each once.
      const diagnostics = output.slice(output.indexOf("Diagnostics:"));
      const said = diagnostics.split("\n").filter((line) => line.includes("401 Unauthorized"));
      expect(said, `${args[0]}:\n${output}`).toHaveLength(1);
      expect(said[0]).toContain(`${s.api.server.url}/api/v2/platform/telephony/providers-configurations/`);
      expect(said[0]).toContain(HINT);
      expect(output, args[0]).not.toMatch(/Error: .*: Error: /);
      expect(output, args[0]).not.toMatch(/^\s+at /m);
      expect(output).not.toContain(BAD_TOKEN);
      expect(output).not.toContain(TOKEN);
    }
  });
});
