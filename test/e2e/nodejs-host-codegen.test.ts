// The project's Node.js language host (tools/pulumi/language-nodejs) generates code as Pulumi's own host does:
// `pulumi import --out x.ts` in a Node.js project writes TypeScript for what it imported (GenerateProgram), which
// imports the generated SDK by its own package name, holds no secret, and, compiled and run as the program of the
// same stack, previews with no changes; `pulumi package gen-sdk --language nodejs` writes the SDK (GeneratePackage).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { leaks } from "../helpers/leaks.js";
import { buildNodeSdk } from "../helpers/node-sdk.js";
import { REPO } from "../helpers/project.js";
import { throwawayStack, type ThrowawayStack } from "../helpers/pulumi.js";

const API_KEY = "AC-imported-key-5d21e8";
const API_SECRET = "imported-secret-a40c77";
// The package name the schema gives the Node.js SDK (language.nodejs.packageName), not codegen's @pulumi/telephony.
const SDK_PACKAGE = "@telephony-config/pulumi-telephony";

async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
    });
    return stdout + stderr;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`, {
      cause: err,
    });
  }
}

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), `telephony-codegen-${prefix}-`));
  temps.push(dir);
  return dir;
};

/** A JavaScript Node.js project whose program is index.js, finding the native plugin in the repo's plugin/. */
function nodejsProject(sdk: Promise<string>): { dir: string; linked: Promise<void> } {
  const dir = temp("project");
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    `name: imported
runtime:
  name: nodejs
  options:
    typescript: false
main: index.js
plugins:
  providers:
    - name: telephony
      path: ${join(REPO, "plugin")}
`,
  );
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "imported", private: true }, null, 2)}\n`);
  // Pulumi reads a project only with its main file there; the compiled index.ts replaces this one.
  writeFileSync(join(dir, "index.js"), "// Nothing yet: pulumi import --out index.ts writes the program.\n");
  // @pulumi/pulumi and the node types from the repository, the SDK under its package name.
  mkdirSync(join(dir, "node_modules/@telephony-config"), { recursive: true });
  for (const scope of ["@pulumi", "@types"])
    symlinkSync(join(REPO, "node_modules", scope), join(dir, "node_modules", scope));
  const linked = sdk.then((built) => symlinkSync(built, join(dir, "node_modules", SDK_PACKAGE)));
  linked.catch(() => {}); // awaited by the test; not an unhandled rejection meanwhile
  return { dir, linked };
}

describe("the Node.js language host's code generation", () => {
  let api: Api | undefined;
  let t: ThrowawayStack | undefined;
  afterAll(async () => {
    await api?.close();
    await t?.dispose();
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it(
    "pulumi import --out x.ts writes TypeScript with the configuration's fields and no secret, which previews with no changes",
    { timeout: 120_000 },
    async () => {
      // sdk/nodejs built as `npm install` builds it, sharing the repository's @pulumi/pulumi with the program.
      const sdk = buildNodeSdk(join(temp("sdk"), "pulumi-telephony"));
      sdk.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
      api = await startApi();
      const live = await api.clientWith({ productId: 1 }).create({
        name: "Twilio imported",
        provider: 3,
        active: false,
        api_key: API_KEY,
        api_secret: API_SECRET,
        base_url: "https://api.twilio.com",
        meta_json: [{ meta_key: "team", meta_value: "voice" }],
      });
      const project = nodejsProject(sdk);
      t = await throwawayStack(project.dir);
      await t.stack.setAllConfig({
        "telephony:apiUrl": { value: api.server.url },
        "telephony:apiToken": { value: TOKEN, secret: true },
        "telephony:orgHandle": { value: "dev-org" },
        "telephony:productId": { value: "1" },
      });

      const imported = await t.cli([
        "import",
        "telephony:index:ProviderConfiguration",
        "twilio",
        String(live.id),
        "--out",
        "index.ts",
        "--yes",
      ]);
      expect(leaks(imported.stdout + imported.stderr, [API_KEY, API_SECRET])).toEqual([]);
      const code = readFileSync(join(project.dir, "index.ts"), "utf8");
      expect(code).toContain(`import * as telephony from "${SDK_PACKAGE}";`);
      expect(code).not.toContain("@pulumi/telephony");
      expect(code).toContain(`const twilio = new telephony.ProviderConfiguration("twilio", {`);
      expect(code).toMatch(/^ {4}name: "Twilio imported",$/m);
      expect(code).toMatch(/^ {4}provider: 3,$/m);
      expect(code).toMatch(/^ {4}active: false,$/m);
      expect(code).toMatch(/^ {4}baseUrl: "https:\/\/api\.twilio\.com",$/m);
      expect(code).toMatch(/^ {4}meta: {\n {8}team: "voice",\n {4}},$/m);
      expect(code).toMatch(/^ {4}protect: true,$/m);
      // The secrets are neither written nor declared: an undeclared secret is left alone.
      expect(leaks(code, [API_KEY, API_SECRET])).toEqual([]);
      expect(code).not.toMatch(/apiKey|apiSecret/);

      // Compiled with the repository's tsc into the program, index.js: the same stack previews with no changes.
      await project.linked;
      writeFileSync(
        join(project.dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "commonjs",
            moduleResolution: "node10",
            strict: true,
            skipLibCheck: true,
            types: [],
          },
          files: ["index.ts"],
        }),
      );
      await run(join(REPO, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], project.dir);
      const preview = await t.cli(["preview", "--expect-no-changes", "--diff"]);
      expect(preview.stdout).toMatch(/2 unchanged/);

      // And the preview does run that program: a field changed in it is a change.
      const program = join(project.dir, "index.js");
      writeFileSync(program, readFileSync(program, "utf8").replace(`"Twilio imported"`, `"Twilio renamed"`));
      const changed = await t.cli(["preview", "--expect-no-changes", "--diff"]).then(
        () => expect.fail("a preview of the changed program expected no changes"),
        (err: Error & { stdout: string }) => err,
      );
      expect(changed.message).toMatch(/no changes were expected for preview but changes were proposed/);
      expect(changed.stdout).toMatch(/~ name\s*: "Twilio imported" => "Twilio renamed"/);
      expect((await api.client.get(live.id)).name).toBe("Twilio imported");
    },
  );

  it("pulumi package gen-sdk --language nodejs writes the SDK of plugin/schema.json", { timeout: 60_000 }, async () => {
    const out = temp("gen-sdk");
    await run(
      "pulumi",
      ["package", "gen-sdk", join(REPO, "plugin/schema.json"), "--language", "nodejs", "--out", out],
      out,
    );
    const pkg = JSON.parse(readFileSync(join(out, "nodejs/package.json"), "utf8"));
    expect(pkg.name).toBe(SDK_PACKAGE);
    expect(pkg.pulumi).toMatchObject({ resource: true, name: "telephony" });
    // The same generator as npm run sdk (tools/sdkgen): the resource's code differs only in the banner naming it.
    const banner = /^\/\/ \*\*\* WARNING: this file was generated by .*\n/;
    const generated = readFileSync(join(out, "nodejs/providerConfiguration.ts"), "utf8");
    expect(generated).toMatch(/^\/\/ \*\*\* WARNING: this file was generated by pulumi-language-nodejs\. \*\*\*\n/);
    expect(generated.replace(banner, "")).toBe(
      readFileSync(join(REPO, "sdk/nodejs/providerConfiguration.ts"), "utf8").replace(banner, ""),
    );
  });
});
