import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throwawayStack, type ThrowawayStack } from "../helpers/pulumi.js";

const workDir = fileURLToPath(new URL("../fixtures/tiny-dynamic", import.meta.url));

describe("the real Pulumi engine drives a dynamic resource", () => {
  let t: ThrowawayStack;
  beforeAll(async () => {
    t = await throwawayStack(workDir);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("uses the CLI version pinned by package.json", () => {
    const pinned: string = JSON.parse(
      execFileSync("node", ["-p", "JSON.stringify(require('./package.json').dependencies['@pulumi/pulumi'])"], {
        encoding: "utf8",
      }),
    );
    expect(execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim()).toBe(`v${pinned}`);
  });

  it("goes through up, a clean preview, an update and destroy", async () => {
    await t.stack.setConfig("value", { value: "1" });
    const created = await t.stack.up();
    expect(created.summary.result).toBe("succeeded");
    expect(created.summary.resourceChanges).toEqual({ create: 2 });
    expect(created.outputs.value?.value).toBe(1);

    const clean = await t.stack.preview({ expectNoChanges: true });
    expect(clean.changeSummary).toEqual({ same: 2 });

    await t.stack.setConfig("value", { value: "2" });
    const updated = await t.stack.up();
    expect(updated.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(updated.outputs.value?.value).toBe(2);

    const destroyed = await t.stack.destroy();
    expect(destroyed.summary.resourceChanges).toEqual({ delete: 2 });
    const state = await t.stack.exportStack();
    expect(state.deployment.resources ?? []).toEqual([]);
  });
});

describe("the real Pulumi engine runs a Pulumi YAML program", () => {
  // scripts/toolchain.sh provides pulumi-language-yaml; without it `runtime: yaml` finds no language host.
  it("goes through up and stack output", async () => {
    const workDir = mkdtempSync(join(tmpdir(), "yaml-program-"));
    writeFileSync(
      join(workDir, "Pulumi.yaml"),
      ["name: yaml-program", "runtime: yaml", "outputs:", "  greeting: hello from yaml", ""].join("\n"),
    );
    const t = await throwawayStack(workDir);
    try {
      const up = await t.cli(["up", "--yes"]);
      expect(up.stdout).toMatch(/\+ 1 created/);
      const output = await t.cli(["stack", "output", "greeting"]);
      expect(output.stdout.trim()).toBe("hello from yaml");
    } finally {
      await t.dispose();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
