// The first hour of a new user, by the README's own commands ("Your own stack repository"), from a release
// tarball into a directory of their own: npm pack, `npx --package ./telephony-config-X.tgz telephony-config
// init`, npm install of what init wrote, validate, the local API server, a stack on a local backend set as
// the README says, pulumi up, a configuration declared in code beside the YAML ones, adopt --stack of two
// made by hand, drift --stack before and after up, a change by hand to the one in code found and undone.
// Asserts what the user reads, and that no secret value is in any of it.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TelephonyClient } from "../../src/client/index.js";
import { leaks } from "../helpers/leaks.js";
import { forgetNpxInstall, packRepository } from "../helpers/packed.js";
import { REPO } from "../helpers/project.js";
import { userShell } from "../helpers/user-shell.js";

const TOKEN = "first-hour-token-4d7e21";
// What the configurations made by hand carry: never printed, never written to the repository.
const HAND = { key: "hand-key-first-hour-61c0", secret: "hand-secret-first-hour-a93d" };
const repoPackage = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
};

const work = mkdtempSync(join(tmpdir(), "telephony-first-hour-"));
const project = join(work, "infra");
const tokenFile = join(work, ".telephony-token"); // ~/.telephony-token in the README
let server: ChildProcess | undefined;
let client: TelephonyClient | undefined;
let npmCache: string | undefined;

const inWork = userShell({ cwd: work, home: join(work, "pulumi-home"), passphrase: "first-hour-passphrase" });
const inProject = userShell({ cwd: project, home: join(work, "pulumi-home"), passphrase: "first-hour-passphrase" });
const shells = [inWork, inProject];
const transcript = () => shells.flatMap((shell) => shell.transcript).join("\n");

afterAll(async () => {
  await client?.close();
  if (server && server.exitCode === null) {
    const exited = once(server, "exit");
    server.kill("SIGTERM");
    await exited;
  }
  // npx installed the tarball and its dependencies into npm's cache: that copy goes with the tarball.
  if (npmCache) forgetNpxInstall(npmCache, work);
  rmSync(work, { recursive: true, force: true });
});

/** A command that must succeed; resolves to what it printed on stdout, and on stderr. */
async function ok(shell: typeof inWork, command: string, args: string[], input?: string) {
  const result = await shell.run(command, args, input);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

describe("the first hour, from a release tarball", () => {
  it(
    "npm pack, npx … init, npm install, validate, serve, pulumi up, adopt --stack, drift --stack with a resource in code",
    { timeout: 480_000 },
    async () => {
      const started = performance.now();
      const times: string[] = [];

      // npm pack: the release tarball, with the license and the README.
      const packed = await packRepository(work);
      times.push(`npm pack ${packed.seconds.toFixed(1)} s`);
      expect(packed.tarball).toBe(join(work, `telephony-config-${repoPackage.version}.tgz`));
      for (const file of ["LICENSE", "README.md", "package.json", "bin/telephony-config.js", "dist/src/cli/main.js"])
        expect(packed.files, file).toContain(file);
      expect(packed.files).toContain("schemas/provider-configurations.schema.json");

      // npx --package ./telephony-config-X.tgz telephony-config init infra --org acme (--yes: answers npx's
      // "Ok to proceed?", as a user at a terminal does).
      let step = performance.now();
      npmCache = (await ok(inWork, "npm", ["config", "get", "cache"])).stdout.trim();
      const tgz = `./telephony-config-${repoPackage.version}.tgz`;
      const init = await ok(inWork, "npx", [
        "--yes",
        "--package",
        tgz,
        "telephony-config",
        "init",
        "infra",
        "--org",
        "acme",
      ]);
      times.push(`npx … init ${seconds(step)}`);
      // The dependency is the tarball npx ran, as package.json in infra/ must spell it, and the SDK the repo uses.
      const dependencies = {
        "@pulumi/pulumi": repoPackage.dependencies["@pulumi/pulumi"]!,
        "telephony-config": `file:../telephony-config-${repoPackage.version}.tgz`,
      };
      expect(JSON.parse(readFileSync(join(project, "package.json"), "utf8")).dependencies).toEqual(dependencies);
      expect(init.stdout).toContain(`Wrote a telephony-config stack repository in ${project}:\n`);
      expect(init.stdout).toContain(
        `  package.json (depends on @pulumi/pulumi ${dependencies["@pulumi/pulumi"]}, telephony-config ${dependencies["telephony-config"]})\n`,
      );
      const next = init.stdout
        .split("Next, in that directory:\n")[1]!
        .split("\n")
        .map((line) => line.replace(/\s+#.*$/, "").trim())
        .filter(Boolean);
      expect(next).toEqual([
        "npm install",
        "pulumi login --local",
        "pulumi stack init prod",
        "pulumi config set telephony:apiUrl https://unpod.dev",
        "pulumi config set telephony:orgHandle acme",
        "pulumi config set telephony:productId YOUR_PRODUCT_ID",
        "pulumi config set --secret telephony:apiToken < ~/.telephony-token",
        "npx telephony-config validate telephony/",
        "pulumi up",
      ]);

      // npm install: what init wrote resolves (from npm's cache where it can).
      step = performance.now();
      await ok(inProject, "npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"]);
      times.push(`npm install ${seconds(step)}`);
      const installed = join(project, "node_modules/telephony-config");
      expect(JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version).toBe(repoPackage.version);
      expect(readFileSync(join(installed, "LICENSE"), "utf8")).toContain("Apache License");
      const cli = join(project, "node_modules/.bin/telephony-config"); // what npx telephony-config runs

      // npx telephony-config validate telephony/
      const validate = await ok(inProject, cli, ["validate", "telephony/"]);
      expect(validate.stdout).toMatch(/^valid: 1 configuration\b/m);
      expect(validate.stderr).toBe("");

      // The local API server (README: "Local API server"), with the token from a file, for organization acme.
      writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
      server = spawn(cli, ["serve", "--port", "0", "--token-file", tokenFile, "--org", "acme"], {
        cwd: project,
        stdio: ["ignore", "pipe", "pipe"],
        env: inProject.env(),
      });
      let serverErr = "";
      server.stderr!.on("data", (chunk) => (serverErr += chunk));
      const [url] = (await once(createInterface({ input: server.stdout! }), "line")) as [string];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      client = new TelephonyClient({ baseUrl: url, token: TOKEN, orgHandle: "acme", productId: 1 });

      // The stack, as init printed: a local backend of this test's own ("or the backend your team uses").
      step = performance.now();
      const pulumi = (args: string[], input?: string) => ok(inProject, "pulumi", [...args, "--non-interactive"], input);
      mkdirSync(join(work, "backend"));
      await pulumi(["login", `file://${join(work, "backend")}`]);
      for (const command of next.filter((line) => /^pulumi (stack init|config set)/.test(line))) {
        const args = command
          .split(" ")
          .slice(1)
          .map((arg) => (arg === "https://unpod.dev" ? url : arg === "YOUR_PRODUCT_ID" ? "1" : arg));
        // `< ~/.telephony-token`: the secret from the file, on standard input.
        if (args.includes("--secret")) await pulumi(args.slice(0, -2), readFileSync(tokenFile, "utf8").trim());
        else await pulumi(args);
      }
      expect(parse(readFileSync(join(project, "Pulumi.prod.yaml"), "utf8"))).toMatchObject({
        config: { "telephony:apiUrl": url, "telephony:apiToken": { secure: expect.any(String) } },
      });
      const up = await pulumi(["up", "--yes", "--color", "never"]);
      expect(up.stdout).toMatch(/\+ 2 created/);
      expect((await client.list()).map((c) => c.name)).toEqual(["Twilio Support"]);

      // A configuration declared in code, beside the YAML program (README: "In TypeScript").
      appendFileSync(
        join(project, "index.js"),
        [
          'import { ProviderConfiguration } from "telephony-config";',
          'const livekit = new ProviderConfiguration("livekit-main", { name: "LiveKit Main", provider: 4, sipUrl: "sip:lk.example.com" });',
          "export const livekitId = livekit.id;",
          "",
        ].join("\n"),
      );
      expect((await pulumi(["up", "--yes", "--color", "never"])).stdout).toMatch(/\+ 1 created/);
      times.push(`stack set-up and two ups ${seconds(step)}`);
      const livekit = (await client.list()).find((c) => c.name === "LiveKit Main")!;

      // Two made by hand, one with secrets: adopt --stack writes those two, not what the stack holds.
      const vapi = await client.create({
        name: "Vapi by hand",
        provider: 6,
        api_key: HAND.key,
        api_secret: HAND.secret,
      });
      const daily = await client.create({ name: "Daily by hand", provider: 5 });
      const adopt = await ok(inProject, cli, ["adopt", "--stack", "prod", "--out", "telephony/adopted.yaml"]);
      expect(adopt.stderr).toContain("wrote 2 configurations to telephony/adopted.yaml");
      expect(adopt.stderr).toContain("set before pulumi up: VAPI_BY_HAND_API_KEY VAPI_BY_HAND_API_SECRET");
      expect(adopt.stderr).toMatch(/left out 2 configurations stack prod has already/);
      const adoptedPath = join(project, "telephony/adopted.yaml");
      const adopted = readFileSync(adoptedPath, "utf8");
      // Its $schema resolves in the user's repository: the package's schema in node_modules.
      const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(adopted.split("\n")[0]!)?.[1];
      expect(schema).toBe("../node_modules/telephony-config/schemas/provider-configurations.schema.json");
      expect(existsSync(resolve(dirname(adoptedPath), schema!))).toBe(true);
      expect(parse(adopted)).toEqual({
        configurations: {
          "vapi-by-hand": {
            name: "Vapi by hand",
            provider: 6,
            apiKey: "${env:VAPI_BY_HAND_API_KEY}",
            apiSecret: "${env:VAPI_BY_HAND_API_SECRET}",
            import: vapi.id,
          },
          "daily-by-hand": { name: "Daily by hand", provider: 5, import: daily.id },
        },
      });

      // drift --stack: the adopted ones are still to adopt; the one in code is compared, not "removed".
      const drift = (args: string[] = []) => inProject.run(cli, ["drift", "--stack", "prod", ...args]);
      const before = await drift();
      expect(before.code).toBe(2);
      expect(before.stdout).toMatch(
        new RegExp(
          `^missing +vapi-by-hand \\(telephony/adopted\\.yaml:\\d+\\): .*pulumi up\` adopts configuration ${vapi.id}\\)$`,
          "m",
        ),
      );
      expect(before.stdout).toMatch(new RegExp(`^in sync +livekit-main #${livekit.id} \\(declared in code\\)$`, "m"));
      expect(before.stdout).not.toMatch(/removed +livekit-main/);
      expect(before.stdout).toMatch(
        /^Drift\. 4 declared \(1 in code\): 2 in sync, 0 changed, 2 missing; 0 removed; 0 unmanaged$/m,
      );

      // pulumi up with the adopted secrets in the environment, as adopt said (exported from here on): all in sync.
      const withSecrets = userShell({
        cwd: project,
        home: join(work, "pulumi-home"),
        passphrase: "first-hour-passphrase",
        env: { VAPI_BY_HAND_API_KEY: HAND.key, VAPI_BY_HAND_API_SECRET: HAND.secret },
      });
      shells.push(withSecrets);
      const up2 = (args: string[] = []) =>
        ok(withSecrets, "pulumi", ["up", "--yes", "--non-interactive", "--color", "never", ...args]);
      await up2();
      const after = await drift();
      expect(after.stdout).toMatch(
        /^In sync\. 4 declared \(1 in code\): 4 in sync, 0 changed, 0 missing; 0 removed; 0 unmanaged$/m,
      );
      expect(after.code).toBe(0);
      expect(await client.get(vapi.id)).toMatchObject({ api_key: HAND.key, api_secret: HAND.secret });

      // The one in code renamed by hand: drift names the change, through the state; up --refresh undoes it.
      await client.update(livekit.id, { name: "LiveKit renamed by hand" });
      const changed = await drift();
      expect(changed.code).toBe(2);
      expect(changed.stdout).toMatch(new RegExp(`^changed +livekit-main #${livekit.id} \\(declared in code\\)`, "m"));
      expect(changed.stdout).toContain('name: "LiveKit renamed by hand" (live) → "LiveKit Main" (declared)');
      await up2(["--refresh"]);
      expect((await drift()).code).toBe(0);
      expect((await client.get(livekit.id)).name).toBe("LiveKit Main");

      // No secret value in anything the user saw, in the repository, or in the server's log.
      const everything = [
        transcript(),
        serverErr,
        adopted,
        readFileSync(join(project, "Pulumi.prod.yaml"), "utf8"),
        readFileSync(join(project, "index.js"), "utf8"),
      ].join("\n");
      expect(leaks(everything, [TOKEN, HAND.key, HAND.secret])).toEqual([]);
      console.log(`first hour: ${seconds(started)} (${times.join(", ")})`);
    },
  );
});
