// The SDKs under sdk/ (npm run sdk, from plugin/schema.json): they are what the generator writes today, and each
// one builds with its own language's tools, from a temporary copy (nothing is written under sdk/).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildNodeSdk } from "../helpers/node-sdk.js";
import { REPO } from "../helpers/project.js";
import { pythonVenv, run } from "../helpers/python-venv.js";

const SDK = join(REPO, "sdk");
const schema = JSON.parse(readFileSync(join(REPO, "plugin/schema.json"), "utf8")) as { version: string };
const pulumiVersion: string = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).dependencies[
  "@pulumi/pulumi"
];
// Left in place by installing or using an SDK in its folder (git ignores them): not generated, never copied.
const notGenerated = new Set(["node_modules", "bin", "__pycache__"]);

const temps: string[] = [];
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `telephony-sdk-${prefix}-`));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of sdk/<language> in a temporary folder, without what an install left there. */
function copyOf(language: string): string {
  const dir = join(temp(language), language);
  cpSync(join(SDK, language), dir, {
    recursive: true,
    filter: (src) => !notGenerated.has(relative(join(SDK, language), src).split("/").pop() ?? ""),
  });
  return dir;
}

/** Every file under dir (relative paths) and its text. */
function tree(dir: string, paths: string[]): Map<string, string> {
  return new Map(paths.sort().map((path) => [path, readFileSync(join(dir, path), "utf8")]));
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, base) : [relative(base, path)];
  });
}

describe("the SDKs under sdk/", () => {
  it("are what npm run sdk generates from plugin/schema.json", { timeout: 600_000 }, async () => {
    const out = temp("regenerated");
    await run("bash", [join(REPO, "scripts/sdk.sh"), "-out", out], { cwd: REPO });
    // What is committed, or would be: git's view, so that what an install leaves in sdk/ (ignored) does not count.
    const committed = (
      await run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", "sdk"], { cwd: REPO })
    )
      .split("\n")
      .filter((path) => path !== "" && existsSync(join(REPO, path)))
      .map((path) => relative("sdk", path));
    const want = tree(out, filesUnder(out));
    const have = tree(SDK, committed);
    const stale = [...new Set([...want.keys(), ...have.keys()])].filter((path) => want.get(path) !== have.get(path));
    expect(
      stale,
      "sdk/ differs from what `npm run sdk` writes from plugin/schema.json: run it and commit sdk/",
    ).toEqual([]);
    expect([...want.keys()]).toEqual(
      expect.arrayContaining([
        "nodejs/package.json",
        "python/setup.py",
        "go/go.mod",
        "go/go.sum",
        "go/telephony/providerConfiguration.go",
      ]),
    );
  });

  it(
    "nodejs: compiles with tsc against the project's @pulumi/pulumi (its postinstall), and loads",
    { timeout: 240_000 },
    async () => {
      // What `npm install` of the package runs: tsc into bin/, and package.json copied beside it, with the
      // project's tsc and @pulumi/pulumi.
      const dir = await buildNodeSdk(join(temp("nodejs"), "nodejs"));
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      expect(pkg.main).toBe("bin/index.js");
      expect(pkg.version).toBe(schema.version);
      expect(pkg.pulumi).toEqual({ resource: true, name: "telephony", version: schema.version });
      const loaded = await run(
        "node",
        [
          "-e",
          `const t = require("./bin/index.js");
         console.log(JSON.stringify({ exports: Object.keys(t).sort(), resource: typeof t.ProviderConfiguration, provider: typeof t.Provider, version: require("./bin/utilities.js").getVersion() }));`,
        ],
        { cwd: dir },
      );
      expect(JSON.parse(loaded)).toEqual({
        exports: ["Provider", "ProviderConfiguration", "config", "types"],
        resource: "function",
        provider: "function",
        version: schema.version,
      });
    },
  );

  it(
    `python: byte-compiles, installs, and imports with pulumi==${pulumiVersion} from PyPI`,
    { timeout: 600_000 },
    async () => {
      const dir = copyOf("python");
      // The packages the SDK's setup.py requires, with pulumi pinned, and what builds it: the venv is made once
      // for them (under the cache, keyed by the list).
      const setup = readFileSync(join(dir, "setup.py"), "utf8");
      const requires = [...(setup.match(/install_requires=\[([\s\S]*?)\]/)?.[1] ?? "").matchAll(/'([^']+)'/g)].map(
        (m) => m[1]!,
      );
      expect(requires).toContain(`pulumi>=${pulumiVersion},<4.0.0`);
      const venv = await pythonVenv([`pulumi==${pulumiVersion}`, ...requires, "setuptools", "wheel"]);
      const python = join(venv.dir, "bin/python");

      await run(python, ["-m", "compileall", "-q", "pulumi_telephony"], { cwd: dir });
      // Installed (its setup.py, offline) into a folder of its own, beside the venv's packages: the SDK reads its
      // version from its installed metadata when imported.
      const site = join(dir, "..", "site");
      await run(
        python,
        [
          "-m",
          "pip",
          "install",
          "--disable-pip-version-check",
          "--quiet",
          "--no-index",
          "--no-deps",
          "--no-build-isolation",
          "--target",
          site,
          ".",
        ],
        { cwd: dir },
      );
      const imported = await run(
        python,
        [
          "-c",
          `import json, pulumi, pulumi_telephony as t
from importlib.metadata import version
print(json.dumps({"file": t.__file__, "resource": callable(t.ProviderConfiguration), "provider": callable(t.Provider), "version": t._utilities.get_version(), "pulumi": version("pulumi")}))`,
        ],
        { cwd: site, env: { PYTHONPATH: site } },
      );
      expect(JSON.parse(imported)).toEqual({
        file: join(site, "pulumi_telephony/__init__.py"),
        resource: true,
        provider: true,
        version: schema.version,
        pulumi: pulumiVersion,
      });
    },
  );

  it("go: builds and vets (go build ./..., go vet ./...)", { timeout: 600_000 }, async () => {
    const dir = copyOf("go");
    expect(readFileSync(join(dir, "go.mod"), "utf8")).toMatch(
      new RegExp(
        `^module github\\.com/telephony-config/telephony-config/sdk/go$[\\s\\S]*github\\.com/pulumi/pulumi/sdk/v3 v${pulumiVersion.replaceAll(".", "\\.")}$`,
        "m",
      ),
    );
    await run("go", ["build", "./..."], { cwd: dir, env: { GOWORK: "off", GOFLAGS: "-mod=mod" } });
    await run("go", ["vet", "./..."], { cwd: dir, env: { GOWORK: "off", GOFLAGS: "-mod=mod" } });
  });
});
