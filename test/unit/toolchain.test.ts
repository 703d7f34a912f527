// scripts/toolchain.sh: uses what the machine has, and says what is missing when it cannot build it.
import { execFile } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";

const script = join(REPO, "scripts/toolchain.sh");
// The Node running the tests (>= 22.12), npm, and the basic tools: no Go, no Pulumi.
const basePath = [dirname(process.execPath), "/usr/bin", "/bin"].join(":");
// A test that runs the script several times (each run builds with tsc) takes more than the unit tier's 20 s.
const severalRuns = 60_000;

/** A stand-in for go: chatty like a first build, then writes an executable that answers v3.260.0; fails on $FAIL_BUILD. */
function fakeGo(): string {
  const bin = mkdtempSync(join(tmpdir(), "fake-go-"));
  writeFileSync(
    join(bin, "go"),
    [
      "#!/bin/bash",
      'for i in $(seq 1 300); do echo "go: downloading example.com/module$i v1.0.0" >&2; done',
      '[ -n "$FAIL_BUILD" ] && { echo "compile: something broke" >&2; exit 1; }',
      'while [ "$1" != "-o" ]; do shift; done',
      `printf '#!/bin/sh\\necho v3.260.0\\n' > "$2"; chmod +x "$2"`,
    ].join("\n"),
  );
  chmodSync(join(bin, "go"), 0o755);
  return bin;
}

function toolchain(
  path: string,
  cache: string,
  args: string[] = [],
  options: { script?: string; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      [options.script ?? script, ...args],
      { env: { PATH: path, HOME: process.env.HOME, TELEPHONY_CONFIG_CACHE: cache }, cwd: options.cwd },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** An executable `name` in `dir` running `body` (sh). */
function executable(dir: string, name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

/**
 * A clone with only what the script reads before it runs the command: the script, package.json, the YAML host's go.mod,
 * installed dependencies, TypeScript sources, and a stand-in tsc that logs each build to tsc.log (and fails
 * while a file `fail` exists). Tools on PATH: the test's Node and a Pulumi CLI with both language hosts.
 */
function fakeClone(): { root: string; path: string; builds: () => number } {
  const root = mkdtempSync(join(tmpdir(), "fake-clone-"));
  for (const dir of ["scripts", "tools/pulumi-yaml", "node_modules/.bin", "src", "test", "examples/x/node_modules"])
    mkdirSync(join(root, dir), { recursive: true });
  cpSync(script, join(root, "scripts/toolchain.sh"));
  cpSync(join(REPO, "tools/pulumi-yaml/go.mod"), join(root, "tools/pulumi-yaml/go.mod"));
  for (const [file, content] of Object.entries({
    "package.json": '{ "dependencies": { "@pulumi/pulumi": "3.260.0" } }',
    "package-lock.json": "{}",
    "tsconfig.json": "{}",
    "src/a.ts": "export const a = 1;",
    "src/b.ts": "export const b = 1;",
    "test/a.test.ts": "",
  }))
    writeFileSync(join(root, file), content);
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(join(root, "package-lock.json"), past, past); // installed since it last changed: no npm ci
  writeFileSync(join(root, "node_modules/.package-lock.json"), "{}");
  executable(
    join(root, "node_modules/.bin"),
    "tsc",
    'echo build >> tsc.log; mkdir -p dist; touch dist/.tsbuildinfo; [ ! -e fail ] || { echo "src/a.ts(1,1): error TS1" >&2; exit 2; }',
  );
  const bin = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
  executable(bin, "pulumi", '[ "$1" = version ] && echo v3.999.0');
  for (const host of ["pulumi-language-yaml", "pulumi-language-python"]) executable(bin, host, "");
  const log = join(root, "tsc.log");
  return {
    root,
    path: `${bin}:${basePath}`,
    builds: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0),
  };
}

describe("scripts/toolchain.sh", () => {
  it("runs the command in the directory it was called from, not in the clone", async () => {
    const clone = fakeClone();
    const elsewhere = mkdtempSync(join(tmpdir(), "stack-"));
    const result = await toolchain(clone.path, mkdtempSync(join(tmpdir(), "empty-cache-")), ["pwd"], {
      script: join(clone.root, "scripts/toolchain.sh"),
      cwd: elsewhere,
    });
    expect(result.stderr).toMatch(/setup: build\s+tsc -> dist\//);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${elsewhere}\n`);
    // The set-up itself ran in the clone: its build, not one in the caller's directory.
    expect(clone.builds()).toBe(1);
    expect(existsSync(join(elsewhere, "dist"))).toBe(false);
  });

  it(
    "builds with tsc only when an input changed since the last build that succeeded",
    async () => {
      const clone = fakeClone();
      const cache = mkdtempSync(join(tmpdir(), "empty-cache-"));
      const at = (file: string) => join(clone.root, file);
      const run = () => toolchain(clone.path, cache, ["true"], { script: at("scripts/toolchain.sh"), cwd: tmpdir() });
      // Each step: what it does to the clone, then whether the next run builds, and the build line it prints.
      const steps: Array<[string, () => void, RegExp]> = [
        ["the first run", () => {}, /setup: build\s+tsc -> dist\/ \(\d+\.\ds\)/],
        ["nothing changed", () => {}, /setup: build\s+dist\/ up to date \(\d+\.\ds\)/],
        [
          "a source saved",
          () => writeFileSync(at("src/a.ts"), "export const a = 2;"),
          /tsc -> dist\/ \(src\/a\.ts changed\)/,
        ],
        ["nothing changed again", () => {}, /dist\/ up to date/],
        ["a source deleted", () => rmSync(at("src/b.ts")), /tsc -> dist\/ \(src changed\)/],
        [
          "a test saved",
          () => writeFileSync(at("test/a.test.ts"), "//"),
          /tsc -> dist\/ \(test\/a\.test\.ts changed\)/,
        ],
        [
          "tsconfig.json saved",
          () => writeFileSync(at("tsconfig.json"), "{ }"),
          /tsc -> dist\/ \(tsconfig\.json changed\)/,
        ],
        [
          "dependencies installed again",
          () => writeFileSync(at("node_modules/.package-lock.json"), "{ }"),
          /tsc -> dist\/ \(node_modules\/\.package-lock\.json changed\)/,
        ],
        [
          "an example's own node_modules changed: not an input",
          () => writeFileSync(at("examples/x/node_modules/y.ts"), ""),
          /dist\/ up to date/,
        ],
        [
          "a file that is not TypeScript saved",
          () => writeFileSync(at("src/notes.md"), ""),
          /tsc -> dist\/ \(src changed\)/,
        ],
        ["the same file saved again", () => writeFileSync(at("src/notes.md"), "x"), /dist\/ up to date/],
        [
          "dist/ removed (npm pack's prepack does)",
          () => rmSync(at("dist"), { recursive: true }),
          /tsc -> dist\/ \(\d/,
        ],
      ];
      let builds = 0;
      for (const [what, change, line] of steps) {
        change();
        const result = await run();
        expect(result.code, `${what}: ${result.stderr}`).toBe(0);
        expect(result.stderr, what).toMatch(line);
        const built = /tsc -> dist/.test(result.stderr);
        builds += built ? 1 : 0;
        expect(clone.builds(), what).toBe(builds);
      }

      // A failed build is no build: the next run builds again, though tsc wrote dist/.tsbuildinfo.
      writeFileSync(at("fail"), "");
      writeFileSync(at("src/a.ts"), "export const a = ;");
      const failed = await run();
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("src/a.ts(1,1): error TS1");
      expect(failed.stderr).toMatch(/setup: error: TypeScript build failed/);
      rmSync(at("fail"));
      const again = await run();
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/setup: build\s+tsc -> dist\/ \(src\/a\.ts changed\)/);
      expect(clone.builds()).toBe(builds + 2);
      expect((await run()).stderr).toMatch(/dist\/ up to date/);
    },
    severalRuns,
  );

  it("uses the Node, the Pulumi CLI and its YAML and Python hosts already on PATH, builds nothing, then runs the command", async () => {
    const bin = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
    writeFileSync(join(bin, "pulumi"), '#!/bin/sh\n[ "$1" = version ] && echo v3.999.0\n');
    chmodSync(join(bin, "pulumi"), 0o755);
    for (const host of ["pulumi-language-yaml", "pulumi-language-python"]) {
      writeFileSync(join(bin, host), "#!/bin/sh\n");
      chmodSync(join(bin, host), 0o755);
    }
    const cache = mkdtempSync(join(tmpdir(), "empty-cache-"));
    const result = await toolchain(`${bin}:${basePath}`, cache, [
      "sh",
      "-c",
      'echo "ran with $PULUMI_SKIP_UPDATE_CHECK"',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/setup: node\s+v\d+\.\d+\.\d+ from PATH/);
    expect(result.stderr).toMatch(/setup: pulumi\s+v3\.999\.0 from PATH/);
    expect(result.stderr).toContain(`pulumi-language-yaml from PATH (${bin}/pulumi-language-yaml)`);
    expect(result.stderr).toContain(`pulumi-language-python from PATH (${bin}/pulumi-language-python)`);
    expect(result.stderr).not.toMatch(/built from the Go module proxy/);
    expect(result.stdout).toBe("ran with true\n");
  });

  it("stops with a message naming what is missing when there is neither Pulumi nor Go", async () => {
    const cache = mkdtempSync(join(tmpdir(), "empty-cache-"));
    const result = await toolchain(basePath, cache);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /setup: error: the Pulumi CLI is not on PATH and Go is not installed to build it: install Pulumi \(https:\/\/www\.pulumi\.com\/docs\/install\/\) or Go/,
    );
  });

  it("every script package.json runs with bash exists (npm run setup among them)", () => {
    const scripts = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(scripts.setup).toBe("bash scripts/toolchain.sh");
    for (const command of Object.values(scripts)) {
      const file = /^bash (\S+)/.exec(command)?.[1];
      if (file) expect(existsSync(join(REPO, file)), command).toBe(true);
    }
  });

  it("refuses a pulumi on PATH older than 3.139 and says what to do", async () => {
    const bin = mkdtempSync(join(tmpdir(), "old-pulumi-"));
    writeFileSync(join(bin, "pulumi"), '#!/bin/sh\n[ "$1" = version ] && echo v3.100.0\n');
    chmodSync(join(bin, "pulumi"), 0o755);
    const result = await toolchain(`${bin}:${basePath}`, mkdtempSync(join(tmpdir(), "empty-cache-")));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /setup: error: the pulumi on PATH \(.*\) is v3\.100\.0; this project needs 3\.139 or newer: upgrade it .*TELEPHONY_CONFIG_BUILD_PULUMI=1/,
    );
  });

  it(
    "builds Pulumi quietly: one progress line, the go tool's output in a log named only on failure",
    async () => {
      const bin = fakeGo();
      const cache = mkdtempSync(join(tmpdir(), "empty-cache-"));
      const built = await toolchain(`${bin}:${basePath}`, cache, [
        "sh",
        "-c",
        "command -v pulumi-language-yaml; command -v pulumi-language-python",
      ]);
      expect(built.code).toBe(0);
      expect(built.stderr).not.toMatch(/go: downloading/);
      expect(built.stderr).toMatch(
        /setup: pulumi\s+building the Pulumi CLI v3\.260\.0 from the Go module proxy \(first run only\)…/,
      );
      expect(built.stderr).toMatch(/setup: pulumi\s+v3\.260\.0 built from the Go module proxy/);
      expect(built.stderr).toMatch(
        /setup: yaml\s+building Pulumi YAML v1\.25\.0 from the Go module proxy \(first run only\)…/,
      );
      expect(built.stderr).toMatch(/setup: yaml\s+pulumi-language-yaml v1\.25\.0 built from the Go module proxy/);
      expect(built.stderr).toMatch(
        /setup: python\s+building the Python language host \(tools\/pulumi-python\) with Go \(first run only\)…/,
      );
      expect(built.stderr).toMatch(
        /setup: python\s+pulumi-language-python \(tools\/pulumi-python\) built from tools\/pulumi-python/,
      );
      expect(built.stderr).not.toMatch(/build\.log/);
      // Each in a directory of its own, keyed by its own module; the YAML host linked beside the CLI, where
      // Pulumi looks for the language hosts it ships (one found elsewhere on PATH gets a warning on every run).
      const dirs = readdirSync(cache);
      const pulumiDir = dirs.find((name) => /^pulumi-v3\.260\.0-[0-9a-f]{12}$/.test(name));
      const yamlDir = dirs.find((name) => /^pulumi-language-yaml-v1\.25\.0-[0-9a-f]{12}$/.test(name));
      const pythonDir = dirs.find((name) => /^pulumi-language-python-[0-9a-f]{12}$/.test(name));
      expect(pulumiDir, dirs.join(" ")).toBeDefined();
      expect(yamlDir, dirs.join(" ")).toBeDefined();
      expect(pythonDir, dirs.join(" ")).toBeDefined();
      expect(built.stdout).toBe(
        `${join(cache, pulumiDir!, "pulumi-language-yaml")}\n${join(cache, pulumiDir!, "pulumi-language-python")}\n`,
      );
      expect(readlinkSync(join(cache, pulumiDir!, "pulumi-language-yaml"))).toBe(
        join(cache, yamlDir!, "pulumi-language-yaml"),
      );
      expect(readlinkSync(join(cache, pulumiDir!, "pulumi-language-python"))).toBe(
        join(cache, pythonDir!, "pulumi-language-python"),
      );

      const cached = await toolchain(`${bin}:${basePath}`, cache);
      expect(cached.code).toBe(0);
      expect(cached.stderr).toMatch(/setup: pulumi\s+v3\.260\.0 cached/);
      expect(cached.stderr).toMatch(/setup: yaml\s+pulumi-language-yaml v1\.25\.0 cached/);
      expect(cached.stderr).toMatch(/setup: python\s+pulumi-language-python \(tools\/pulumi-python\) cached/);

      const failed = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          "bash",
          [script],
          {
            env: {
              PATH: `${bin}:${basePath}`,
              HOME: process.env.HOME,
              TELEPHONY_CONFIG_CACHE: mkdtempSync(join(tmpdir(), "empty-cache-")),
              FAIL_BUILD: "1",
            },
          },
          (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("compile: something broke");
      expect(failed.stderr).toMatch(
        /failed: the last lines are above, the whole log is .*pulumi-v3\.260\.0-build\.log/,
      );
    },
    severalRuns,
  );

  it(
    "builds only the YAML and Python hosts, onto PATH, for a Pulumi CLI on PATH that lacks them; says what to do without Go",
    async () => {
      const pulumiBin = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
      writeFileSync(join(pulumiBin, "pulumi"), '#!/bin/sh\n[ "$1" = version ] && echo v3.999.0\n');
      chmodSync(join(pulumiBin, "pulumi"), 0o755);

      const noGo = await toolchain(`${pulumiBin}:${basePath}`, mkdtempSync(join(tmpdir(), "empty-cache-")));
      expect(noGo.code).toBe(1);
      expect(noGo.stderr).toMatch(
        /setup: error: pulumi-language-yaml \(Pulumi YAML\) is not on PATH and Go is not installed to build it: install Pulumi \(https:\/\/www\.pulumi\.com\/docs\/install\/\), which ships it, or Go/,
      );

      // With the YAML host on PATH too, the Python host is the one missing.
      const yamlBin = mkdtempSync(join(tmpdir(), "fake-yaml-"));
      writeFileSync(join(yamlBin, "pulumi-language-yaml"), "#!/bin/sh\n");
      chmodSync(join(yamlBin, "pulumi-language-yaml"), 0o755);
      const noGoPython = await toolchain(
        `${yamlBin}:${pulumiBin}:${basePath}`,
        mkdtempSync(join(tmpdir(), "empty-cache-")),
      );
      expect(noGoPython.code).toBe(1);
      expect(noGoPython.stderr).toMatch(
        /setup: error: pulumi-language-python \(Pulumi's Python host\) is not on PATH and Go is not installed to build it: install Pulumi \(https:\/\/www\.pulumi\.com\/docs\/install\/\), which ships it, or Go/,
      );

      const cache = mkdtempSync(join(tmpdir(), "empty-cache-"));
      const path = `${fakeGo()}:${pulumiBin}:${basePath}`;
      const built = await toolchain(path, cache, [
        "sh",
        "-c",
        "command -v pulumi-language-yaml; command -v pulumi-language-python",
      ]);
      expect(built.code).toBe(0);
      expect(built.stderr).toMatch(/setup: pulumi\s+v3\.999\.0 from PATH/);
      expect(built.stderr).toMatch(/setup: yaml\s+pulumi-language-yaml v1\.25\.0 built from the Go module proxy/);
      expect(built.stderr).toMatch(
        /setup: python\s+pulumi-language-python \(tools\/pulumi-python\) built from tools\/pulumi-python/,
      );
      expect(built.stdout).toMatch(
        new RegExp(
          `^${cache}/pulumi-language-yaml-v1\\.25\\.0-[0-9a-f]{12}/pulumi-language-yaml\n` +
            `${cache}/pulumi-language-python-[0-9a-f]{12}/pulumi-language-python\n$`,
        ),
      );
      expect(readdirSync(cache).filter((name) => name.startsWith("pulumi-v"))).toEqual([]);

      const failed = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          "bash",
          [script],
          {
            env: {
              PATH: path,
              HOME: process.env.HOME,
              TELEPHONY_CONFIG_CACHE: mkdtempSync(join(tmpdir(), "empty-cache-")),
              FAIL_BUILD: "1",
            },
          },
          (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("compile: something broke");
      expect(failed.stderr).toMatch(
        /setup: error: building Pulumi YAML v1\.25\.0 from the Go module proxy failed: the last lines are above, the whole log is .*pulumi-language-yaml-v1\.25\.0-build\.log/,
      );
    },
    severalRuns,
  );
});
