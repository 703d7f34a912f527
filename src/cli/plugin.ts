import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo, homedir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import {
  installDecision,
  packageRoot,
  packageVersion,
  PLUGIN_EXECUTABLE,
  PLUGIN_NAME,
  pluginInstallPlan,
  pulumiHome,
  type PluginTarget,
} from "../gitops/plugin.js";
import { UsageError } from "./usage-error.js";

const run = promisify(execFile);

export const PLUGIN_HELP = `Usage: telephony-config plugin install [--reinstall]

Manages the native Pulumi plugin of this package: the provider \`telephony\` (resource
telephony:index:ProviderConfiguration), served by ${PLUGIN_EXECUTABLE}.

Commands:
  install   install the plugin of this version (${packageVersion}) into Pulumi's plugin cache

Exit codes: those of the command; 1 for an unknown one.

Run 'telephony-config plugin install --help' for its options.

Example:
  npx telephony-config plugin install`;

export const PLUGIN_INSTALL_HELP = `Usage: telephony-config plugin install [--reinstall]

Installs ${PLUGIN_EXECUTABLE} ${packageVersion}, the native Pulumi plugin of this package (the provider
\`${PLUGIN_NAME}\`, resource telephony:index:ProviderConfiguration), into Pulumi's plugin cache
($PULUMI_HOME/plugins, by default ~/.pulumi/plugins) with \`pulumi plugin install --file\`. Then any Pulumi
project on this machine, in any language, finds the provider \`${PLUGIN_NAME}\` ${packageVersion} as it finds
any installed provider, without a plugins: entry in its Pulumi.yaml. Needs the Pulumi CLI on PATH; nothing
is downloaded. Prints what it installed and where.

The installed plugin runs this package where it is installed now, with the Node.js running this command
(both by absolute path). After moving the package, replacing it with another copy of the same version, or
removing that Node.js, run this again with --reinstall: without it, an installed plugin of this version
that runs another copy is refused, and named. Another version of the package installs its own version of
the plugin, beside this one.

Exit codes: 0 installed (or already installed from this package and this Node.js), 1 error (an installed
plugin of this version running another copy, without --reinstall, is one; so is no pulumi on PATH).

Options:
  --reinstall  replace the installed plugin of this version
  -h, --help   show this help

Example:
  npx telephony-config plugin install`;

/** The help of `plugin` or of its subcommand, as the command line asks. */
export const pluginHelp = (argv: string[]): string => (argv[0] === "install" ? PLUGIN_INSTALL_HELP : PLUGIN_HELP);

const readOrUndefined = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
};

/** The user's home as the Pulumi CLI finds it: from the user database, as Go's os/user does, not $HOME. */
const userHome = () => {
  try {
    return userInfo().homedir || homedir();
  } catch {
    return homedir();
  }
};

const describe = (target: PluginTarget) => `${target.entry} with ${target.node}`;

async function pulumi(args: string[]): Promise<void> {
  try {
    await run("pulumi", args, { maxBuffer: 64 << 20 });
  } catch (error) {
    const e = error as { code?: string | number; stderr?: string };
    if (e.code === "ENOENT")
      throw new Error(
        "the Pulumi CLI (pulumi) is not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/, e.g. curl -fsSL https://get.pulumi.com | sh), put it on PATH and run this again",
        { cause: error },
      );
    throw new Error(`pulumi ${args.slice(0, 5).join(" ")} failed: ${(e.stderr ?? String(error)).trim()}`, {
      cause: error,
    });
  }
}

async function install(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { reinstall: { type: "boolean", default: false } } });
  if (process.platform === "win32")
    throw new Error(`${PLUGIN_EXECUTABLE} is a POSIX shell script: plugin install does not support Windows (WSL does)`);
  const plan = pluginInstallPlan({
    version: packageVersion,
    node: process.execPath,
    packageRoot,
    pulumiHome: pulumiHome(process.env, userHome()),
    reinstall: values.reinstall,
  });
  if (readOrUndefined(plan.target.entry) === undefined)
    throw new Error(`${plan.target.entry} is missing: this copy of telephony-config is not built (npm run build)`);

  const decision = installDecision(plan, readOrUndefined(plan.installed), values.reinstall);
  if (decision.action === "installed") {
    console.log(`The Pulumi plugin ${PLUGIN_NAME} ${plan.version} is installed already, in ${plan.pluginDir}:`);
    console.log(`  ${PLUGIN_EXECUTABLE} runs ${describe(plan.target)}`);
    return 0;
  }
  if (decision.action === "refuse") {
    const what = decision.installed
      ? `runs ${describe(decision.installed)}, not this package's ${describe(plan.target)}`
      : "was not installed by telephony-config";
    throw new Error(
      `the Pulumi plugin ${PLUGIN_NAME} ${plan.version} installed in ${plan.pluginDir} ${what}: pass --reinstall to replace it`,
    );
  }

  const dir = mkdtempSync(join(tmpdir(), "telephony-plugin-"));
  try {
    const tarball = join(dir, plan.tarballName);
    writeFileSync(tarball, plan.tarball);
    await pulumi(plan.args(tarball));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Pulumi decides where its cache is (an agent without a writable home gets another one): say so if it is
  // not where this command looked, rather than claim an install it cannot see.
  if (readOrUndefined(plan.installed) !== plan.wrapper)
    throw new Error(
      `pulumi plugin install succeeded, but ${plan.installed} is not the plugin it was given: see \`pulumi plugin ls\`, and set PULUMI_HOME to the directory Pulumi uses`,
    );
  console.log(`Installed the Pulumi plugin ${PLUGIN_NAME} ${plan.version} in ${plan.pluginDir}:`);
  console.log(`  ${PLUGIN_EXECUTABLE} runs ${describe(plan.target)}`);
  console.log(
    `Pulumi projects on this machine find the provider ${PLUGIN_NAME} ${plan.version} now, with no plugins: entry (pulumi plugin ls lists it).`,
  );
  console.log("After moving this package or that Node.js, run: telephony-config plugin install --reinstall");
  return 0;
}

export async function plugin(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "install") return install(rest);
  throw new UsageError(
    command === undefined ? PLUGIN_HELP : `unknown plugin command ${JSON.stringify(command)}\n\n${PLUGIN_HELP}`,
  );
}
