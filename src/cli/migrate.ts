import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { delimiter, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import {
  describeChange,
  migrateState,
  pluginSource,
  readPreview,
  renderPlan,
  renderRefusal,
  type ExportedState,
  type PluginFacts,
} from "../gitops/migrate.js";
import { readStackConfig, type StackConfig } from "../settings/stack-config.js";
import { withProgress } from "./terminal.js";
import { UsageError } from "./usage-error.js";

export const MIGRATE_HELP = `Usage: telephony-config migrate --stack NAME [--yes]

Moves a stack's ProviderConfiguration resources from the dynamic provider
(pulumi-nodejs:dynamic/telephony:ProviderConfiguration) to the native plugin
(telephony:index:ProviderConfiguration) without a request to the telephony API: each
configuration keeps its id, and the same declarations then run through the native plugin. Run it
in the project's directory.

It reads the stack's config and state, and checks that every resource can be moved as it is: no
pending operation, each configuration at the top of the stack, its owner and ownership mark those of
its own key (the native plugin knows a resource's owner from its URN alone), and the plugin found by
the engine (Pulumi.yaml plugins.providers, Pulumi's plugin cache, or PATH). Without --yes it prints
what would move and changes nothing. With --yes it sets telephony:plugin to native in the stack's
config, imports the rewritten state (pulumi stack import) and runs pulumi preview
--expect-no-changes, without refresh: the proof that nothing would be written. When the preview
wants any change or fails, the state and the config are put back as they were and what it wanted is
listed. The state is exported with its secrets encrypted and imported on stdin: it is written to no
file, except its encrypted backup when it could not be put back. A stack with nothing dynamic left
is refused (nothing to move). After a move, commit the stack's config file (telephony:plugin).

Exit codes: 0 moved (without --yes: it can be moved); 2 refused, nothing changed (the reasons are
printed); 1 error (a failing pulumi command; if the state could not be put back, the message says
where its backup is).

Options:
  --stack NAME  the Pulumi stack (required)
  --yes         move the resources (default: only say what would move)
  -h, --help    show this help

Example:
  telephony-config migrate --stack prod --yes`;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `pulumi <args>` in the project, `input` on its stdin (state to import: never in a file, never printed). */
function pulumi(args: string[], dir: string, input?: string): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = execFile("pulumi", args, { cwd: dir, maxBuffer: 256 << 20 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === "ENOENT") fail(new Error("the Pulumi CLI is not on PATH"));
      else done({ code: error ? (typeof code === "number" ? code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? "");
  });
}

async function pulumiOk(args: string[], dir: string, input?: string): Promise<string> {
  const ran = await pulumi(args, dir, input);
  if (ran.code !== 0) throw new Error(`pulumi ${args.slice(0, 2).join(" ")} failed: ${ran.stderr.trim()}`);
  return ran.stdout;
}

/** The telephony-config the project's program loads (as Node resolves it from there), whose version it requests. */
function projectPackageVersion(dir: string): string | undefined {
  try {
    const path = createRequire(join(dir, "package.json")).resolve("telephony-config/package.json");
    return (JSON.parse(readFileSync(path, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Where the engine would look for the native plugin, as it looks. */
async function pluginFacts(dir: string): Promise<PluginFacts> {
  const project = parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as {
    plugins?: { providers?: Array<{ name?: unknown; path?: unknown }> };
  } | null;
  const entry = project?.plugins?.providers?.find((p) => p.name === "telephony");
  if (entry && typeof entry.path === "string")
    return {
      projectEntry: {
        path: entry.path,
        found: existsSync(join(resolve(dir, entry.path), "pulumi-resource-telephony")),
      },
      cached: [],
    };
  const listed = await pulumi(["plugin", "ls", "--json"], dir);
  const plugins = listed.code === 0 ? (JSON.parse(listed.stdout || "[]") as Array<Record<string, unknown>>) : [];
  const cached = plugins
    .filter((p) => p.kind === "resource" && p.name === "telephony")
    .map((p) => String(p.version ?? "unversioned"));
  const onPath = (process.env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .map((d) => join(d, "pulumi-resource-telephony"))
    .find((p) => existsSync(p));
  return { cached, ...(onPath ? { onPath } : {}) };
}

const PLUGIN_KEY = "telephony:plugin";

export async function migrate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { stack: { type: "string" }, yes: { type: "boolean", default: false } },
  });
  if (!values.stack) throw new UsageError(`migrate needs --stack\n\n${MIGRATE_HELP}`);
  const stack = values.stack;
  const refuse = (reasons: string[]): number => {
    process.stdout.write(renderRefusal(reasons));
    return 2;
  };

  const info: StackConfig = await withProgress("reading the stack", () => readStackConfig(stack, process.cwd()));
  const dir = info.dir;
  // The backup: the state as exported, its secrets encrypted (no plaintext to keep or leak).
  const backup = await pulumiOk(["stack", "export", "--stack", stack], dir);
  const exported = JSON.parse(backup) as ExportedState;
  const version = projectPackageVersion(dir);
  const previous = info.config[PLUGIN_KEY];
  const migration = migrateState(exported, {
    config: { config: { ...info.config, [PLUGIN_KEY]: "native" }, secretKeys: info.secretKeys },
    version,
    providerId: randomUUID(),
    now: new Date().toISOString(),
  });
  const reasons = [...migration.refusals];
  if (version === undefined)
    reasons.push(
      `cannot tell which telephony-config the project's program loads (none resolves from ${dir}): run npm install telephony-config there`,
    );
  const plugin = pluginSource(await pluginFacts(dir));
  if ("refusal" in plugin) reasons.push(plugin.refusal);
  if (reasons.length || !("source" in plugin)) return refuse(reasons);

  const configChange =
    previous === "native"
      ? `${PLUGIN_KEY} is native already`
      : `${PLUGIN_KEY} set to native (${previous === undefined ? "unset" : `was ${previous}`})`;
  process.stdout.write(renderPlan(stack, migration, { version, plugin: plugin.source, config: configChange }));
  if (!values.yes) {
    console.log(
      "nothing changed: with --yes the state is rewritten and pulumi preview --expect-no-changes proves nothing would be written (else it is put back)",
    );
    return 0;
  }

  const restoreConfig = async () => {
    if (previous === "native") return;
    if (previous === undefined) await pulumiOk(["config", "rm", PLUGIN_KEY, "--stack", stack], dir);
    else
      await pulumiOk(
        [
          "config",
          "set",
          PLUGIN_KEY,
          previous,
          ...(info.secretKeys.has(PLUGIN_KEY) ? ["--secret"] : []),
          "--stack",
          stack,
        ],
        dir,
      );
  };
  /** The state and config as they were; an error that says where the backup is when that fails too. */
  const restore = async (why: string): Promise<void> => {
    const imported = await pulumi(["stack", "import", "--stack", stack], dir, backup);
    if (imported.code !== 0) {
      const file = join(mkdtempSync(join(tmpdir(), "telephony-migrate-")), `${stack.replaceAll("/", "_")}.json`);
      writeFileSync(file, backup, { mode: 0o600 });
      throw new Error(
        `${why}, and the state could not be put back (${imported.stderr.trim()}): its backup is ${file} (pulumi stack import --file ${file} --stack ${stack})`,
      );
    }
    await restoreConfig();
  };

  // The config first: interrupted before the import, the native creates meet the dynamic resources'
  // marks and refuse, where the other order would let dynamic creates take over native ones.
  if (previous !== "native") await pulumiOk(["config", "set", PLUGIN_KEY, "native", "--stack", stack], dir);
  // An update that ran since the export would lose its steps to the import: read the state again, last.
  const again = await pulumi(["stack", "export", "--stack", stack], dir);
  if (again.code !== 0 || again.stdout !== backup) {
    await restoreConfig();
    return refuse([
      "the stack's state changed since migrate read it (an update running?): nothing changed; run migrate again",
    ]);
  }
  const imported = await pulumi(["stack", "import", "--stack", stack], dir, JSON.stringify(migration.state));
  if (imported.code !== 0) {
    await restore("pulumi stack import failed");
    throw new Error(`pulumi stack import failed (state and config put back): ${imported.stderr.trim()}`);
  }
  const preview = await withProgress("pulumi preview --expect-no-changes", () =>
    pulumi(["preview", "--expect-no-changes", "--json", "--non-interactive", "--stack", stack], dir),
  );
  const seen = readPreview(preview.stdout);
  if (preview.code !== 0 || !seen || seen.changes.length || seen.errors.length) {
    await restore("the preview did not pass");
    const said = [
      ...(seen?.changes ?? []).map((c) => `preview would ${describeChange(c)}`),
      ...(seen?.errors ?? []).map((e) => `preview ${e}`),
    ];
    return refuse([
      "with the state moved, pulumi preview --expect-no-changes did not pass; the state and config are as they were",
      ...(said.length ? said : [`pulumi preview failed: ${preview.stderr.trim() || `exit code ${preview.code}`}`]),
    ]);
  }
  console.log(
    `moved ${migration.moved.length} configuration(s), ids unchanged; pulumi preview --expect-no-changes: no changes. ` +
      `No request went to the telephony API (the preview ran without refresh). Commit the stack's config (${PLUGIN_KEY}: native).`,
  );
  return 0;
}
