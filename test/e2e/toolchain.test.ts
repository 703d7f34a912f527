import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";
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

describe("scripts/toolchain.sh drives a stack in a directory of its own", () => {
  // As the README says: `bash <clone>/scripts/toolchain.sh pulumi …` from the stack's directory.
  it("runs pulumi in the caller's directory, with the toolchain on PATH, and builds nothing when nothing changed", async () => {
    const workDir = mkdtempSync(join(tmpdir(), "own-stack-"));
    const backendDir = mkdtempSync(join(tmpdir(), "telephony-backend-"));
    writeFileSync(
      join(workDir, "Pulumi.yaml"),
      ["name: own-stack", "runtime: yaml", "outputs:", "  where: ${pulumi.cwd}", ""].join("\n"),
    );
    const toolchain = (args: string[]) =>
      promisify(execFile)("bash", [join(REPO, "scripts/toolchain.sh"), ...args], {
        cwd: workDir,
        env: {
          ...process.env,
          PULUMI_BACKEND_URL: `file://${backendDir}`,
          PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
        },
        maxBuffer: 64 << 20,
      });
    try {
      await toolchain(["pulumi", "stack", "init", "dev", "--non-interactive"]);
      const up = await toolchain(["pulumi", "up", "--yes", "--stack", "dev", "--non-interactive"]);
      expect(up.stdout).toMatch(/\+ 1 created/);
      // Run again at once, nothing builds: the run before did, if anything changed. (Where others edit the
      // clone meanwhile, a run builds again and names what changed; a few tries, never a build each time.)
      const builds: string[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const { stderr } = await toolchain(["pulumi", "stack", "ls"]);
        const build = /^setup: build\s+(.*)$/m.exec(stderr)?.[1];
        builds.push(build ?? stderr);
        if (/^dist\/ up to date \(\d+\.\ds\)$/.test(build ?? "")) break;
        expect(build).toMatch(/^tsc -> dist\/ \(\S+ changed\) /);
      }
      expect(builds.at(-1), builds.join("\n")).toMatch(/^dist\/ up to date/);
      const output = await toolchain(["pulumi", "stack", "output", "where", "--stack", "dev"]);
      expect(output.stdout.trim()).toBe(workDir);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
      rmSync(backendDir, { recursive: true, force: true });
    }
  });
});
