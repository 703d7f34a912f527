// telephony-config plugin install: the plan (wrapper, tarball, paths, pulumi's command line) and what the
// command decides before it runs pulumi. The install itself, through the real Pulumi CLI: e2e/plugin-install.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  installDecision,
  packageRoot,
  packageVersion,
  PLUGIN_ENTRY,
  pluginInstallPlan,
  pluginWrapper,
  pulumiHome,
  tarball,
  wrapperTarget,
} from "../../src/gitops/plugin.js";
import { runCli } from "../helpers/cli.js";
import { REPO } from "../helpers/project.js";

const plan = (options: { reinstall?: boolean; node?: string; root?: string; home?: string } = {}) =>
  pluginInstallPlan({
    version: "0.1.0",
    node: options.node ?? "/opt/node/bin/node",
    packageRoot: options.root ?? "/srv/app/node_modules/telephony-config",
    pulumiHome: options.home ?? "/home/u/.pulumi",
    reinstall: options.reinstall ?? false,
  });

/** The entries of a gzipped tar: name, mode, content; each header's checksum checked. */
function untar(gz: Uint8Array): Array<{ name: string; mode: number; type: string; content: string }> {
  const tar = gunzipSync(gz);
  expect(tar.length % 512).toBe(0);
  const entries = [];
  let at = 0;
  while (at < tar.length && tar.subarray(at, at + 512).some((b) => b !== 0)) {
    const header = tar.subarray(at, at + 512);
    const field = (from: number, length: number) =>
      header
        .subarray(from, from + length)
        .toString("utf8")
        .replace(/[\0 ]+$/, "");
    const withBlankSum = Buffer.from(header).fill(" ", 148, 156);
    expect(parseInt(field(148, 8), 8)).toBe(withBlankSum.reduce((a, b) => a + b, 0));
    expect(field(257, 6)).toBe("ustar");
    const size = parseInt(field(124, 12), 8);
    entries.push({
      name: field(0, 100),
      mode: parseInt(field(100, 8), 8),
      type: field(156, 1),
      content: tar.subarray(at + 512, at + 512 + size).toString("utf8"),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  // Two empty blocks end it.
  expect(tar.subarray(at).length).toBeGreaterThanOrEqual(1024);
  return entries;
}

describe("the plugin install plan", () => {
  it("installs into <PULUMI_HOME>/plugins/resource-telephony-v<version>, with pulumi plugin install --file", () => {
    const p = plan();
    expect(p.pluginDir).toBe("/home/u/.pulumi/plugins/resource-telephony-v0.1.0");
    expect(p.installed).toBe("/home/u/.pulumi/plugins/resource-telephony-v0.1.0/pulumi-resource-telephony");
    expect(p.target).toEqual({
      node: "/opt/node/bin/node",
      entry: "/srv/app/node_modules/telephony-config/dist/src/pulumi/native/main.js",
    });
    expect(p.args("/tmp/x/p.tar.gz")).toEqual([
      "plugin",
      "install",
      "resource",
      "telephony",
      "0.1.0",
      "--file",
      "/tmp/x/p.tar.gz",
    ]);
    expect(plan({ reinstall: true }).args("/t.tgz")).toEqual([
      "plugin",
      "install",
      "resource",
      "telephony",
      "0.1.0",
      "--file",
      "/t.tgz",
      "--reinstall",
    ]);
    expect(p.tarballName).toBe("pulumi-resource-telephony-v0.1.0.tar.gz");
  });

  it("finds Pulumi's home as the Pulumi CLI does: PULUMI_HOME (made absolute), else ~/.pulumi", () => {
    expect(pulumiHome({ PULUMI_HOME: "/x/home" }, "/home/u")).toBe("/x/home");
    expect(pulumiHome({ PULUMI_HOME: "rel" }, "/home/u")).toBe(join(process.cwd(), "rel"));
    expect(pulumiHome({ PULUMI_HOME: "" }, "/home/u")).toBe("/home/u/.pulumi");
    expect(pulumiHome({}, "/home/u")).toBe("/home/u/.pulumi");
  });

  it("packs the one executable pulumi-resource-telephony, the wrapper, at the tarball's root, the same bytes each time", () => {
    const p = plan();
    expect(untar(p.tarball)).toEqual([
      { name: "pulumi-resource-telephony", mode: 0o755, type: "0", content: p.wrapper },
    ]);
    expect(Buffer.from(plan().tarball).equals(Buffer.from(p.tarball))).toBe(true);
    // Content of any length is padded to whole blocks.
    const long = "x".repeat(1300);
    expect(
      untar(
        tarball([
          { name: "a", mode: 0o644, content: long },
          { name: "b", mode: 0o600, content: "" },
        ]),
      ),
    ).toEqual([
      { name: "a", mode: 0o644, type: "0", content: long },
      { name: "b", mode: 0o600, type: "0", content: "" },
    ]);
  });

  it("the package's own plan runs this package's built entry point", () => {
    expect(packageRoot).toBe(REPO.replace(/\/$/, ""));
    expect(packageVersion).toBe(JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version);
    expect(PLUGIN_ENTRY).toBe("dist/src/pulumi/native/main.js");
    // The entry point the checked-in plugin/ wrapper runs too.
    expect(readFileSync(join(REPO, "plugin/pulumi-resource-telephony"), "utf8")).toContain(`/../${PLUGIN_ENTRY}"`);
  });
});

describe("the installed wrapper", () => {
  const dir = mkdtempSync(join(tmpdir(), "it's a plugin $HOME `x` "));
  const write = (path: string, content: string, mode = 0o755) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  };

  const entry = write(
    join(dir, "pkg", "main.js"),
    "process.stdin.once('data', (d) => console.log(JSON.stringify([process.argv.slice(2), String(d)])));",
  );

  it("runs the package's entry point with its Node.js, arguments and stdin passed on, whatever the paths hold", () => {
    const target = { node: process.execPath, entry };
    const wrapper = write(join(dir, "w"), pluginWrapper("9.9.9", target));
    const ran = spawnSync(wrapper, ["--flag", "a b"], { input: "from the engine", encoding: "utf8" });
    expect(ran.stderr).toBe("");
    expect(JSON.parse(ran.stdout)).toEqual([["--flag", "a b"], "from the engine"]);
    expect(wrapperTarget(readFileSync(wrapper, "utf8"))).toEqual(target);
  });

  it("says what is gone and how to reinstall, when the package or the Node.js has moved", () => {
    for (const target of [
      { node: process.execPath, entry: join(dir, "moved", "main.js") },
      { node: join(dir, "old-node"), entry },
    ]) {
      const wrapper = write(join(dir, "w-gone"), pluginWrapper("9.9.9", target));
      const ran = spawnSync(wrapper, [], { encoding: "utf8" });
      expect(ran.status).toBe(1);
      const gone = target.node === process.execPath ? target.entry : target.node;
      expect(ran.stderr).toBe(
        `pulumi-resource-telephony 9.9.9: ${gone} is gone; run \`npx telephony-config plugin install --reinstall\` where telephony-config is installed now\n`,
      );
    }
  });

  it("is read back only from a wrapper of ours", () => {
    expect(wrapperTarget(plan().wrapper)).toEqual(plan().target);
    expect(wrapperTarget("#!/bin/sh\nexec node /x/main.js\n")).toBeUndefined();
    expect(wrapperTarget("\x7fELF binary")).toBeUndefined();
    expect(wrapperTarget(readFileSync(join(REPO, "plugin/pulumi-resource-telephony"), "utf8"))).toBeUndefined();
  });
});

describe("what install decides from the installed plugin of its version", () => {
  const p = plan();
  it("installs when none is installed, or with --reinstall whatever is", () => {
    expect(installDecision(p, undefined, false)).toEqual({ action: "install" });
    expect(installDecision(p, "anything", true)).toEqual({ action: "install" });
    expect(installDecision(p, p.wrapper, true)).toEqual({ action: "install" });
  });
  it("does nothing when this very wrapper is installed", () => {
    expect(installDecision(p, p.wrapper, false)).toEqual({ action: "installed" });
  });
  it("refuses another, naming what it runs when it is one of ours", () => {
    const elsewhere = plan({ root: "/old/place" });
    expect(installDecision(p, elsewhere.wrapper, false)).toEqual({ action: "refuse", installed: elsewhere.target });
    expect(installDecision(p, "#!/bin/sh\nexec something\n", false)).toEqual({
      action: "refuse",
      installed: undefined,
    });
  });
});

describe("telephony-config plugin", () => {
  const noPulumi = mkdtempSync(join(tmpdir(), "no-pulumi-"));

  it("--help and install --help, with exit codes; no subcommand or an unknown one is a usage error", async () => {
    const help = await runCli(["plugin", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: telephony-config plugin install/);
    expect(help.stdout).toContain("Exit codes:");
    const installHelp = await runCli(["plugin", "install", "--help"]);
    expect(installHelp.code).toBe(0);
    expect(installHelp.stdout).toMatch(/Exit codes: 0 installed/);
    expect(installHelp.stdout).toContain("--reinstall");
    expect(installHelp.stdout).toMatch(/After moving the package.*\n.*--reinstall/);
    expect(installHelp.stdout).toMatch(/Example:\n {2}npx telephony-config plugin install/);
    expect((await runCli(["--help"])).stdout).toMatch(/\n {2}plugin {5}install the native Pulumi plugin/);

    const bare = await runCli(["plugin"]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("Usage: telephony-config plugin install");
    const unknown = await runCli(["plugin", "uninstall"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown plugin command "uninstall"');
    expect((await runCli(["plugin", "install", "--frob"])).code).toBe(1);
  });

  it("without pulumi on PATH: says so and how to get it", async () => {
    const home = mkdtempSync(join(tmpdir(), "pulumi-home-"));
    const result = await runCli(["plugin", "install"], { env: { PATH: noPulumi, PULUMI_HOME: home } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^telephony-config: the Pulumi CLI \(pulumi\) is not on PATH: install it \(https:/);
    expect(result.stdout).toBe("");
  });

  it("an installed plugin of its version: the same one is left alone, another is refused without --reinstall (pulumi is not run)", async () => {
    const home = mkdtempSync(join(tmpdir(), "pulumi-home-"));
    const mine = pluginInstallPlan({
      version: packageVersion,
      node: process.execPath,
      packageRoot,
      pulumiHome: home,
      reinstall: false,
    });
    write(mine.installed, mine.wrapper);
    const same = await runCli(["plugin", "install"], { env: { PATH: noPulumi, PULUMI_HOME: home } });
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(
      `The Pulumi plugin telephony ${packageVersion} is installed already, in ${mine.pluginDir}`,
    );
    expect(same.stdout).toContain(`pulumi-resource-telephony runs ${mine.target.entry} with ${process.execPath}`);

    const elsewhere = pluginInstallPlan({
      version: packageVersion,
      node: "/old/node",
      packageRoot: "/old/place",
      pulumiHome: home,
      reinstall: false,
    });
    write(mine.installed, elsewhere.wrapper);
    const refused = await runCli(["plugin", "install"], { env: { PATH: noPulumi, PULUMI_HOME: home } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `telephony-config: the Pulumi plugin telephony ${packageVersion} installed in ${mine.pluginDir} runs /old/place/${PLUGIN_ENTRY} with /old/node, not this package's ${mine.target.entry} with ${process.execPath}: pass --reinstall to replace it\n`,
    );
    write(mine.installed, "\x7fELF");
    expect((await runCli(["plugin", "install"], { env: { PATH: noPulumi, PULUMI_HOME: home } })).stderr).toContain(
      "was not installed by telephony-config: pass --reinstall to replace it",
    );
    // --reinstall goes on to pulumi (here: not found).
    const reinstall = await runCli(["plugin", "install", "--reinstall"], {
      env: { PATH: noPulumi, PULUMI_HOME: home },
    });
    expect(reinstall.stderr).toContain("is not on PATH");
  });

  function write(path: string, content: string) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o755 });
  }
});
