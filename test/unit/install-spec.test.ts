// How init's package.json depends on telephony-config: the spec the running copy was installed with
// (npx's cache, a project's node_modules), rebased to the new project; an existing package.json's specs kept.
import { describe, expect, it } from "vitest";
import { initPlan, mergePackageJson } from "../../src/gitops/init.js";
import { installedSpec, rebasedSpec } from "../../src/gitops/install-spec.js";
import { packageVersion } from "../../src/gitops/plugin.js";

// What `npx --package ./telephony-config-0.1.0.tgz telephony-config init` run in /tmp/work leaves (measured):
// ~/.npm/_npx/<hash>/package.json records the tarball relative to that directory.
const NPX = "/root/.npm/_npx/bc0638ae9d03131d";
const npxRoot = `${NPX}/node_modules/telephony-config`;
const manifest = (dependencies: Record<string, string>, field = "dependencies") =>
  JSON.stringify({ [field]: dependencies, _npx: { packages: ["./telephony-config-0.1.0.tgz"] } });

describe("installedSpec", () => {
  const cases: Array<{
    name: string;
    root: string;
    files: Record<string, string>;
    project: string;
    spec: string | undefined;
  }> = [
    {
      name: "npx of a tarball: its file: path, relative to the new project",
      root: npxRoot,
      files: {
        [`${NPX}/package.json`]: manifest({
          "telephony-config": "file:../../../../tmp/work/telephony-config-0.1.0.tgz",
        }),
      },
      project: "/tmp/work/infra",
      spec: "file:../telephony-config-0.1.0.tgz",
    },
    {
      name: "npx of a tarball, the project beside it",
      root: npxRoot,
      files: {
        [`${NPX}/package.json`]: manifest({
          "telephony-config": "file:../../../../tmp/work/telephony-config-0.1.0.tgz",
        }),
      },
      project: "/tmp/work",
      spec: "file:telephony-config-0.1.0.tgz",
    },
    {
      name: "npx of a tarball at an absolute file: path: as it is",
      root: npxRoot,
      files: {
        [`${NPX}/package.json`]: manifest({ "telephony-config": "file:/srv/releases/telephony-config-0.1.0.tgz" }),
      },
      project: "/tmp/work/infra",
      spec: "file:/srv/releases/telephony-config-0.1.0.tgz",
    },
    {
      name: "npx from a registry (the npm registry or a private one): the range npm recorded",
      root: npxRoot,
      files: { [`${NPX}/package.json`]: manifest({ "telephony-config": "^0.1.0" }) },
      project: "/tmp/work/infra",
      spec: "^0.1.0",
    },
    {
      name: "an alias of a scoped private package",
      root: npxRoot,
      files: { [`${NPX}/package.json`]: manifest({ "telephony-config": "npm:@acme/telephony-config@^0.1.0" }) },
      project: "/tmp/work/infra",
      spec: "npm:@acme/telephony-config@^0.1.0",
    },
    {
      name: "a git spec",
      root: npxRoot,
      files: { [`${NPX}/package.json`]: manifest({ "telephony-config": "github:acme/telephony-config#v0.1.0" }) },
      project: "/tmp/work/infra",
      spec: "github:acme/telephony-config#v0.1.0",
    },
    {
      name: "a project's own install, a devDependency, for a project elsewhere",
      root: "/home/u/tools/node_modules/telephony-config",
      files: { "/home/u/tools/package.json": manifest({ "telephony-config": "file:vendor/t.tgz" }, "devDependencies") },
      project: "/home/u/infra",
      spec: "file:../tools/vendor/t.tgz",
    },
    {
      name: "a clone of the repository: none (init writes ^version)",
      root: "/work/main",
      files: { "/work/package.json": manifest({ "telephony-config": "file:x.tgz" }) },
      project: "/tmp/work/infra",
      spec: undefined,
    },
    {
      name: "no package.json beside node_modules (a global install)",
      root: "/usr/lib/node_modules/telephony-config",
      files: {},
      project: "/p",
      spec: undefined,
    },
    {
      name: "a package.json that is not JSON",
      root: npxRoot,
      files: { [`${NPX}/package.json`]: "{ not json" },
      project: "/p",
      spec: undefined,
    },
    {
      name: "a package.json that does not name it",
      root: npxRoot,
      files: { [`${NPX}/package.json`]: manifest({ other: "^1.0.0" }) },
      project: "/p",
      spec: undefined,
    },
    {
      name: "another package's directory",
      root: `${NPX}/node_modules/other`,
      files: { [`${NPX}/package.json`]: manifest({ "telephony-config": "^0.1.0" }) },
      project: "/p",
      spec: undefined,
    },
  ];
  it.each(cases)("$name", ({ root, files, project, spec }) => {
    expect(installedSpec(root, "telephony-config", project, (path) => files[path])).toBe(spec);
  });
});

describe("rebasedSpec", () => {
  it.each([
    ["file:../a.tgz", "/x/y", "/x/z", "file:../a.tgz"],
    ["file:a.tgz", "/x", "/x", "file:a.tgz"],
    ["file:.", "/x/pkg", "/x/pkg", "file:."],
    ["file:///srv/a.tgz", "/x", "/y", "file:///srv/a.tgz"],
    ["^1.2.3", "/x", "/y", "^1.2.3"],
    ["https://example.com/a.tgz", "/x", "/y", "https://example.com/a.tgz"],
  ])("%s from %s to %s: %s", (spec, from, to, expected) => {
    expect(rebasedSpec(spec, from, to)).toBe(expected);
  });
});

describe("mergePackageJson", () => {
  const plan = initPlan({ name: "p", language: "javascript", ci: "github", telephonyConfigSpec: "file:../t.tgz" });
  const pulumi = plan.dependencies["@pulumi/pulumi"]!;

  it.each([
    {
      name: "a tarball's file: spec and a pinned SDK are kept, not rewritten to ^version",
      existing: {
        dependencies: { "telephony-config": "file:telephony-config-0.1.0.tgz", "@pulumi/pulumi": "3.200.0" },
      },
      dependencies: { "telephony-config": "file:telephony-config-0.1.0.tgz", "@pulumi/pulumi": "3.200.0" },
      added: [],
      kept: ["@pulumi/pulumi 3.200.0", "telephony-config file:telephony-config-0.1.0.tgz"],
    },
    {
      name: "what is missing is added, with the spec init was run from",
      existing: { name: "mine", dependencies: { left: "1" } },
      dependencies: { left: "1", "@pulumi/pulumi": pulumi, "telephony-config": "file:../t.tgz" },
      added: [`@pulumi/pulumi ${pulumi}`, "telephony-config file:../t.tgz"],
      kept: [],
    },
    {
      name: "a devDependency counts: not added to dependencies again",
      existing: { devDependencies: { "telephony-config": "^0.1.0" } },
      dependencies: { "@pulumi/pulumi": pulumi },
      added: [`@pulumi/pulumi ${pulumi}`],
      kept: ["telephony-config ^0.1.0"],
    },
  ])("$name", ({ existing, dependencies, added, kept }) => {
    const merged = mergePackageJson(existing, plan);
    expect(JSON.parse(merged.text).dependencies).toEqual(dependencies);
    expect(merged.added).toEqual(added);
    expect(merged.kept).toEqual(kept);
  });

  it("keeps every other field, and adds type and engines only where there are none", () => {
    const merged = JSON.parse(
      mergePackageJson({ name: "mine", type: "commonjs", scripts: { x: "y" } }, plan).text,
    ) as Record<string, unknown>;
    expect(merged).toMatchObject({
      name: "mine",
      type: "commonjs",
      scripts: { x: "y" },
      engines: { node: ">=22.12.0" },
    });
  });
});

describe("initPlan's dependency on telephony-config", () => {
  it("is ^ this version unless told the spec it was installed with", () => {
    for (const language of ["javascript", "yaml"] as const) {
      const plain = initPlan({ name: "p", language, ci: "github" });
      expect(plain.dependencies["telephony-config"]).toBe(`^${packageVersion}`);
      const fromTarball = initPlan({ name: "p", language, ci: "github", telephonyConfigSpec: "file:../t.tgz" });
      expect(JSON.parse(fromTarball.files.find(([path]) => path === "package.json")![1]).dependencies).toEqual(
        fromTarball.dependencies,
      );
      expect(fromTarball.dependencies["telephony-config"]).toBe("file:../t.tgz");
    }
  });
});
