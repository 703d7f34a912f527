// The dynamic provider in the process Pulumi's host script runs: one engine operation per process.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";

// What Pulumi's launcher (pulumi-resource-pulumi-nodejs) runs: the host knows itself by this path.
const HOST_SCRIPT = createRequire(join(REPO, "package.json")).resolve("@pulumi/pulumi/cmd/dynamic-provider");

/** Runs `body` in a process whose argv[1] is the host script's, as the engine launches it. */
function asHost(body: string): Promise<string> {
  const script = `
    process.argv[1] = ${JSON.stringify(HOST_SCRIPT)};
    const { provider } = await import(${JSON.stringify(join(REPO, "dist/src/pulumi/dynamic-provider.js"))});
    const config = { "telephony:apiUrl": "http://127.0.0.1:9", "telephony:apiToken": "host-token",
      "telephony:orgHandle": "dev-org", "telephony:productId": "1" };
    const req = { config: { get: (key) => config[key] } };
    ${body}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject).on("close", () => resolve(out));
  });
}

describe("the dynamic provider's host process", () => {
  it("is recognised by the path of Pulumi's host script", () => {
    expect(HOST_SCRIPT).toMatch(/[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/);
  });

  it("keeps its operation's runtime when configured again (a state's earlier provider text is a second module)", async () => {
    const state = { name: "Mine", provider: 3, meta: {}, orgHandle: "dev-org", apiUrl: "http://127.0.0.1:9" };
    const out = await asHost(`
      provider.configure(req);
      // A renamed key: the new resource's diff shows it holds configuration 42.
      await provider.diff("42", { ...${JSON.stringify(state)}, instance: "new-key" }, { name: "Mine", provider: 3 });
      provider.configure(req);
      await provider.delete("42", { ...${JSON.stringify(state)}, instance: "old-key" });
      console.log("delete returned");
    `);
    expect(out).toContain(
      "configuration 42 is held by another resource of this stack: removed from the state of the old one, not deleted",
    );
    expect(out).toContain("delete returned");
  });
});

describe("what the host script prints of an error", () => {
  // As Pulumi's host script does for check, diff, read and delete: print, then answer with the message.
  const asPulumi = (call: string) => `
    try { await ${call}; } catch (e) { console.error(\`\${e}: \${e.stack}\`); console.log("answered: " + e.message.split("\\n")[0]); }`;

  it("an error the user fixes: the engine's answer only, no print of it doubled with a stack trace", async () => {
    const state = { name: "Mine", provider: 3, meta: {}, orgHandle: "dev-org", apiUrl: "http://127.0.0.1:9" };
    const out = await asHost(`
      provider.configure(req);
      ${asPulumi(`provider.read("42", ${JSON.stringify(state)})`)}
      console.error("telephony-config: a notice still shows");`);
    expect(out).toContain("answered: GET http://127.0.0.1:9/api/v2/platform/telephony/providers-configurations/42/");
    expect(out).toContain("telephony-config: a notice still shows");
    expect(out).not.toContain("Error: GET");
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toContain("host-token");
  });

  it("a bug: printed with its stack trace, where the fix is", async () => {
    const out = await asHost(`
      provider.configure(req);
      ${asPulumi(`provider.read("42", undefined)`)}`);
    expect(out).toMatch(/^TypeError: .*: TypeError: /m);
    expect(out).toMatch(/^\s+at /m);
  });
});
