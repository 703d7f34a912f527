// telephony-config init, as a user runs it: the files it writes, what it refuses, what it prints.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDeclarations } from "../../src/declarations/parse.js";
import { runCli } from "../helpers/cli.js";

const FILES = ["package.json", "Pulumi.yaml", "index.js", "telephony/main.yaml", ".gitignore"];

describe("telephony-config init", () => {
  it("writes a stack repository, names every file and the next commands", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "init-")), "Acme Telephony");
    const result = await runCli(["init", dir, "--org", "acme"]);
    expect(result.code).toBe(0);
    for (const file of [...FILES, ".github/workflows/telephony.yml"]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
      expect(result.stdout).toContain(`  ${file}\n`);
    }
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({
      name: "acme-telephony",
      type: "module",
      engines: { node: ">=22.12.0" },
      dependencies: { "telephony-config": expect.stringMatching(/^\^\d/), "@pulumi/pulumi": expect.any(String) },
    });
    expect(parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8"))).toMatchObject({
      name: "acme-telephony",
      runtime: { name: "nodejs" },
      main: "index.js",
    });
    expect(readFileSync(join(dir, "index.js"), "utf8")).toContain(
      'export { configurations } from "telephony-config/stack";',
    );
    const example = readFileSync(join(dir, "telephony/main.yaml"), "utf8");
    expect(example.split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../node_modules/telephony-config/schemas/provider-configurations.schema.json",
    );
    expect(
      parseDeclarations(example, "main.yaml", { isSet: () => "set", unsetReference: "error", unresolved: "error" })
        .problems,
    ).toEqual([]);
    for (const command of [
      "npm install",
      "pulumi stack init prod",
      "pulumi config set telephony:orgHandle acme",
      "pulumi config set --secret telephony:apiToken < ~/.telephony-token",
      "npx telephony-config validate telephony/",
      "pulumi up",
    ]) {
      expect(result.stdout).toContain(command);
    }
    expect((await runCli(["validate", join(dir, "telephony")])).code).toBe(0);
  });

  it("refuses to overwrite anything without --force, and writes the GitLab pipeline with --ci gitlab", async () => {
    const dir = mkdtempSync(join(tmpdir(), "init-"));
    writeFileSync(join(dir, "package.json"), '{"name":"mine"}\n');
    const refused = await runCli(["init", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${join(dir, "package.json")} exists; pass --force to overwrite`);
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe('{"name":"mine"}\n');
    expect(existsSync(join(dir, "Pulumi.yaml"))).toBe(false);

    expect((await runCli(["init", dir, "--force", "--ci", "gitlab"])).code).toBe(0);
    expect(existsSync(join(dir, ".gitlab-ci.yml"))).toBe(true);
    expect(existsSync(join(dir, ".github"))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies).toHaveProperty("telephony-config");
    expect((await runCli(["init", dir, "--ci", "jenkins"])).stderr).toMatch(/--ci jenkins: expected github or gitlab/);
  });

  it("--force keeps the user's declarations and package.json fields, never follows a link, and checks everything first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "init-"));
    mkdirSync(join(dir, "telephony"));
    writeFileSync(join(dir, "telephony/main.yaml"), "configurations:\n  mine:\n    provider: 3\n");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "mine", scripts: { x: "y" }, dependencies: { left: "1" } }),
    );
    const forced = await runCli(["init", dir, "--force", "--org", "acme; echo pwned"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("telephony/main.yaml (kept as it was: your declarations)");
    expect(forced.stdout).toContain("pulumi config set telephony:orgHandle 'acme; echo pwned'");
    expect(readFileSync(join(dir, "telephony/main.yaml"), "utf8")).toBe("configurations:\n  mine:\n    provider: 3\n");
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({
      name: "mine",
      scripts: { x: "y" },
      dependencies: { left: "1", "telephony-config": expect.any(String) },
    });
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^token\.txt$/m);

    const linked = mkdtempSync(join(tmpdir(), "init-"));
    const outside = join(mkdtempSync(join(tmpdir(), "outside-")), "victim");
    writeFileSync(outside, "precious\n");
    symlinkSync(outside, join(linked, ".gitignore"));
    const refused = await runCli(["init", linked, "--force"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\.gitignore exists and are not plain files/);
    expect(readFileSync(outside, "utf8")).toBe("precious\n");

    const blocked = mkdtempSync(join(tmpdir(), "init-"));
    writeFileSync(join(blocked, "telephony"), "a file where a directory goes");
    const inTheWay = await runCli(["init", blocked]);
    expect(inTheWay.stderr).toMatch(/telephony is in the way: a directory is needed there/);
    expect(existsSync(join(blocked, "package.json"))).toBe(false);

    const numeric = join(mkdtempSync(join(tmpdir(), "init-")), "123");
    expect((await runCli(["init", numeric])).code).toBe(0);
    expect(parse(readFileSync(join(numeric, "Pulumi.yaml"), "utf8")).name).toBe("123");
  });

  it("--help has an example", async () => {
    const help = await runCli(["init", "--help"]);
    expect(help.stdout).toMatch(/Example:\n {2}npx telephony-config init /);
  });
});
