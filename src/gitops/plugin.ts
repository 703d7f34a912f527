// What `telephony-config plugin install` installs: the native plugin's wrapper, packed as the tarball that
// `pulumi plugin install resource telephony <version> --file` unpacks into Pulumi's plugin cache. Pure:
// texts, bytes, paths and a command line; the CLI writes, runs and reads.
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { packageVersion } from "../client/version.js";

/** The plugin's package name, as Pulumi and the package schema (plugin/schema.json) name it. */
export const PLUGIN_NAME = "telephony";
/** The executable Pulumi looks for in the plugin's directory. */
export const PLUGIN_EXECUTABLE = `pulumi-resource-${PLUGIN_NAME}`;
/** The native plugin's entry point, in the package. */
export const PLUGIN_ENTRY = "dist/src/pulumi/native/main.js";
export { packageVersion };

// By self-reference, so that src/ (tests) and dist/src/ (the package) find the same directory.
export const packageRoot = dirname(createRequire(import.meta.url).resolve("telephony-config/package.json"));

/** What an installed wrapper runs. */
export interface PluginTarget {
  node: string;
  entry: string;
}

export interface PluginInstallOptions {
  /** The package's version: the plugin's. */
  version: string;
  /** The absolute path of the Node.js the plugin runs on (the CLI's own, process.execPath). */
  node: string;
  /** The absolute path of the package's directory. */
  packageRoot: string;
  /** Pulumi's home: PULUMI_HOME, or ~/.pulumi (see pulumiHome). */
  pulumiHome: string;
  reinstall: boolean;
}

export interface PluginInstallPlan {
  version: string;
  target: PluginTarget;
  /** The text of the wrapper, pulumi-resource-telephony, that the tarball holds. */
  wrapper: string;
  /** A gzipped tar of the one file: the wrapper, executable. */
  tarball: Uint8Array;
  /** The tarball's file name. */
  tarballName: string;
  /** Where Pulumi unpacks it: <PULUMI_HOME>/plugins/resource-telephony-v<version>. */
  pluginDir: string;
  /** The installed wrapper's path, in pluginDir. */
  installed: string;
  /** `pulumi`'s arguments, given where the tarball was written. */
  args(tarballPath: string): string[];
}

/** Pulumi's home as the Pulumi CLI finds it: PULUMI_HOME, else .pulumi in the user's home directory. */
export function pulumiHome(env: Record<string, string | undefined>, userHome: string): string {
  return env.PULUMI_HOME ? resolve(env.PULUMI_HOME) : join(userHome, ".pulumi");
}

/** A word the shell reads back as exactly `value`. */
const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * The installed plugin: it runs the package's entry point with the given Node.js, by absolute paths, as
 * the cache holds a copy of this file and nothing else. When either is gone it says what to do.
 */
export function pluginWrapper(version: string, target: PluginTarget): string {
  return `#!/bin/sh
# ${PLUGIN_EXECUTABLE} ${version}: the native Pulumi plugin of telephony-config, installed in Pulumi's
# plugin cache by \`telephony-config plugin install\`. It runs the package where it was installed from,
# with the Node.js that installed it; after moving the package or that Node.js, run
# \`telephony-config plugin install --reinstall\` from the package's new place.
node=${shellQuote(target.node)}
entry=${shellQuote(target.entry)}
for path in "$node" "$entry"; do
  if [ ! -e "$path" ]; then
    echo "${PLUGIN_EXECUTABLE} ${version}: $path is gone; run \\\`npx telephony-config plugin install --reinstall\\\` where telephony-config is installed now" >&2
    exit 1
  fi
done
exec "$node" "$entry" "$@"
`;
}

/** What an installed wrapper of ours runs, read back from its text; undefined for any other file. */
export function wrapperTarget(text: string): PluginTarget | undefined {
  const quoted = (name: string) => {
    const match = new RegExp(`^${name}='((?:[^']|'\\\\'')*)'$`, "m").exec(text);
    return match?.[1]?.replaceAll(`'\\''`, "'");
  };
  const node = quoted("node");
  const entry = quoted("entry");
  if (!text.startsWith(`#!/bin/sh\n# ${PLUGIN_EXECUTABLE} `) || node === undefined || entry === undefined)
    return undefined;
  return { node, entry };
}

/** A ustar header of one regular file. */
function tarHeader(name: string, mode: number, size: number): Buffer {
  const header = Buffer.alloc(512);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, "0")}\0`;
  header.write(name, 0, 100, "utf8");
  header.write(octal(mode, 8), 100);
  header.write(octal(0, 8), 108); // uid
  header.write(octal(0, 8), 116); // gid
  header.write(octal(size, 12), 124);
  header.write(octal(0, 12), 136); // mtime: fixed, so the same wrapper makes the same tarball
  header.fill(" ", 148, 156); // the checksum is computed with its own field as spaces
  header.write("0", 156); // a regular file
  header.write("ustar\0", 257);
  header.write("00", 263);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return header;
}

/** A gzipped tar holding the files given, at its root. */
export function tarball(files: Array<{ name: string; mode: number; content: string }>): Uint8Array {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const content = Buffer.from(file.content, "utf8");
    blocks.push(
      tarHeader(file.name, file.mode, content.length),
      content,
      Buffer.alloc((512 - (content.length % 512)) % 512),
    );
  }
  blocks.push(Buffer.alloc(1024)); // two empty blocks end the archive
  return gzipSync(Buffer.concat(blocks));
}

export function pluginInstallPlan(options: PluginInstallOptions): PluginInstallPlan {
  const target = { node: options.node, entry: join(options.packageRoot, PLUGIN_ENTRY) };
  const wrapper = pluginWrapper(options.version, target);
  const pluginDir = join(options.pulumiHome, "plugins", `resource-${PLUGIN_NAME}-v${options.version}`);
  return {
    version: options.version,
    target,
    wrapper,
    tarball: tarball([{ name: PLUGIN_EXECUTABLE, mode: 0o755, content: wrapper }]),
    tarballName: `${PLUGIN_EXECUTABLE}-v${options.version}.tar.gz`,
    pluginDir,
    installed: join(pluginDir, PLUGIN_EXECUTABLE),
    args: (tarballPath) => [
      "plugin",
      "install",
      "resource",
      PLUGIN_NAME,
      options.version,
      "--file",
      tarballPath,
      ...(options.reinstall ? ["--reinstall"] : []),
    ],
  };
}

export type InstallDecision =
  /** Nothing of this version is installed, or --reinstall: run pulumi plugin install. */
  | { action: "install" }
  /** This very wrapper is installed already: nothing to do. */
  | { action: "installed" }
  /** Another plugin of this version is installed (pulumi would keep it and say nothing): --reinstall replaces it. */
  | { action: "refuse"; installed: PluginTarget | undefined };

/** What to do, given the text of the wrapper installed now (undefined when none is). */
export function installDecision(
  plan: PluginInstallPlan,
  installed: string | undefined,
  reinstall: boolean,
): InstallDecision {
  if (reinstall || installed === undefined) return { action: "install" };
  if (installed === plan.wrapper) return { action: "installed" };
  return { action: "refuse", installed: wrapperTarget(installed) };
}
