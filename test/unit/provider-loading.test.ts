// The provider module kept in state loads this package from the project only: never a package planted
// higher up the tree or on NODE_PATH, which would be handed the API token.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROVIDER_MODULE } from "../../src/pulumi/resource.js";
import { REPO } from "../helpers/project.js";

// States keep the text they were written with until their resource is next written: each text ever
// released must load this package by the same rules.
const TEXTS: Array<[string, string]> = [
  ["today's text", PROVIDER_MODULE],
  ["the text of 0.1.0, still in states", readFileSync(join(REPO, "test/fixtures/provider-module-0.1.0.js"), "utf8")],
];

/** Loads the module as the dynamic provider host does, with the project as working directory. */
function load(
  moduleFile: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `const p = require(${JSON.stringify(moduleFile)}).handler(); console.log(Object.keys(p).sort().join(","));`;
  return new Promise((resolve) =>
    execFile(process.execPath, ["-e", script], { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

function plantedTree() {
  const top = mkdtempSync(join(tmpdir(), "planted-"));
  const planted = join(top, "node_modules", "telephony-config");
  mkdirSync(planted, { recursive: true });
  const marker = join(top, "token-stolen");
  writeFileSync(
    join(planted, "package.json"),
    JSON.stringify({ name: "telephony-config", exports: { "./provider-runtime": "./evil.js" } }),
  );
  writeFileSync(
    join(planted, "evil.js"),
    `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x"); exports.provider = { create() {} };`,
  );
  const project = join(top, "infra");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-infra" }));
  return { top, project, marker };
}

describe.each(TEXTS)("the provider module kept in state: %s", (_text, text) => {
  const moduleFile = join(mkdtempSync(join(tmpdir(), "provider-module-")), "provider.cjs");
  writeFileSync(moduleFile, text);

  it("loads the package installed in the project", async () => {
    const { project } = plantedTree();
    mkdirSync(join(project, "node_modules"));
    symlinkSync(REPO, join(project, "node_modules", "telephony-config"));
    const result = await load(moduleFile, project);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("check,configure,create,delete,diff,read,update");
  });

  it("loads the package itself when the project is the package, from the directory of main (this repository)", async () => {
    expect((await load(moduleFile, join(REPO, "dist/src/stack"))).stdout.trim()).toBe(
      "check,configure,create,delete,diff,read,update",
    );
  });

  it("never climbs past the directory of Pulumi.yaml, even when the project has no package.json", async () => {
    const { project, marker } = plantedTree();
    rmSync(join(project, "package.json"));
    writeFileSync(join(project, "Pulumi.yaml"), "name: infra\nruntime: nodejs\n");
    writeFileSync(join(dirname(project), "package.json"), JSON.stringify({ name: "workspace" }));
    const result = await load(moduleFile, project);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `telephony-config is not installed in the project at ${project}: run npm install telephony-config there`,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it("never loads a package planted higher up the tree or on NODE_PATH, and says what to do", async () => {
    const { top, project, marker } = plantedTree();
    for (const env of [{}, { NODE_PATH: join(top, "node_modules") }] as Array<Record<string, string>>) {
      const result = await load(moduleFile, project, env);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(
        `telephony-config is not installed in the project at ${project} (${join(project, "package.json")} is "my-infra"): run npm install telephony-config there`,
      );
    }
    expect(existsSync(marker)).toBe(false);
  });
});
