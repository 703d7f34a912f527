// The workspace image's Dockerfile, its steps run as written outside a container (no engine runs
// here) against a stack repository that depends on the packed package: afterwards npm's cache alone
// installs the repository (npm ci --offline, the network never asked) and Pulumi finds the native plugin.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { baseImage, instructions, runSteps } from "../helpers/dockerfile.js";
import { packRepository } from "../helpers/packed.js";
import { REPO } from "../helpers/project.js";

const run = promisify(execFile);
const dockerfile = instructions(readFileSync(join(REPO, "deploy/workspace-image/Dockerfile"), "utf8"));
const repoPackage = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  engines: { node: string };
};
const work = mkdtempSync(join(tmpdir(), "telephony-image-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("deploy/workspace-image/Dockerfile", () => {
  it("starts from Pulumi's Node.js image of the package's own Pulumi (3.202 or later, as PKO v2 needs) and a Node.js the package supports", () => {
    const image = baseImage(dockerfile);
    const match = /^pulumi\/pulumi-nodejs-(\d+):(\d+)\.(\d+)\.(\d+)$/.exec(image);
    expect(match, image).not.toBeNull();
    const [, node, major, minor] = match!.map(Number);
    expect(`${major}.${minor}.${match![4]}`).toBe(repoPackage.dependencies["@pulumi/pulumi"]);
    expect(major! > 3 || (major === 3 && minor! >= 202)).toBe(true);
    // engines.node is ">=22.12.0": an image of node 22 takes node:22's latest release.
    expect(node).toBeGreaterThanOrEqual(Number(/>=(\d+)/.exec(repoPackage.engines.node)![1]));
  });

  it(
    "its steps leave an npm cache that installs the stack repository with no network, and the native plugin in PULUMI_HOME",
    { timeout: 300_000 },
    async () => {
      // The stack repository: the packed package as a file dependency, as "From a release tarball" says.
      const context = join(work, "stack");
      mkdirSync(context);
      const { tarball } = await packRepository(context);
      writeFileSync(
        join(context, "package.json"),
        JSON.stringify({
          name: "stack",
          private: true,
          dependencies: {
            "@pulumi/pulumi": repoPackage.dependencies["@pulumi/pulumi"],
            "telephony-config": `file:${tarball.slice(context.length + 1)}`,
          },
        }),
      );
      await run("npm", ["install", "--package-lock-only", "--prefer-offline", "--no-audit", "--no-fund"], {
        cwd: context,
      });

      // chown needs root; what it is asked to do is checked instead.
      const shims = join(work, "shims");
      cpSync(join(REPO, "test/fixtures/record-args.sh"), join(shims, "chown"));
      const root = join(work, "root");
      const sandbox = await runSteps(dockerfile, root, context, {
        ...process.env,
        PATH: `${shims}:${process.env.PATH}`,
        HOME: join(root, "root"),
        RECORD_ARGS_TO: join(work, "chown.args"),
      });
      const cache = sandbox.env.NPM_CONFIG_CACHE!;
      expect(cache.startsWith(`${root}/`)).toBe(true);
      expect(readFileSync(join(work, "chown.args"), "utf8").trim()).toBe(
        `-R 1000:1000 ${join(root, "var/cache/telephony")}`,
      );

      // A fresh checkout, as PKO's pulumi install or the drift CronJob's npm ci has it, with the cache only.
      const checkout = join(work, "checkout");
      cpSync(context, checkout, { recursive: true });
      const env = { ...process.env, ...sandbox.env, HOME: join(work, "someone-else") };
      await run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: checkout, env });
      const version = await run(join(checkout, "node_modules/.bin/telephony-config"), ["--version"], { env });
      expect(version.stdout.trim()).toBe(repoPackage.version);

      const plugins = await run("pulumi", ["plugin", "ls", "--json"], { env });
      expect(
        (JSON.parse(plugins.stdout) as Array<{ name: string; kind: string; version: string }>).map(
          (p) => `${p.kind} ${p.name} ${p.version}`,
        ),
      ).toContain(`resource telephony ${repoPackage.version}`);
    },
  );
});
