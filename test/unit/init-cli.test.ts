// telephony-config init, as a user runs it: the files it writes, what it refuses, what it prints.
import { execFileSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDeclarations } from "../../src/declarations/parse.js";
import { NATIVE_RESOURCE_TYPE } from "../../src/model/resource-type.js";
import { runCli } from "../helpers/cli.js";
import { REPO } from "../helpers/project.js";

const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };

const FILES = ["package.json", "Pulumi.yaml", "index.js", "telephony/main.yaml", ".gitignore"];

describe("telephony-config init", () => {
  it("ignores the files a token is kept in, the ones init --kubernetes makes its Secrets from included", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "init-")), "infra");
    expect((await runCli(["init", dir, "--org", "acme"])).code).toBe(0);
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const secrets = [
      "token.txt",
      "prod.token",
      "acme-prod.apiToken",
      "acme-prod.passphrase",
      "acme-prod.pulumiAccessToken",
    ];
    for (const file of secrets) writeFileSync(join(dir, file), "x");
    // check-ignore prints the paths git ignores (and fails when none is).
    const ignored = execFileSync("git", ["check-ignore", ...secrets], { cwd: dir, encoding: "utf8" });
    expect(ignored.trim().split("\n")).toEqual(secrets);
  });

  it("writes a stack repository, names every file and the next commands", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "init-")), "Acme Telephony");
    const result = await runCli(["init", dir, "--org", "acme"]);
    expect(result.code).toBe(0);
    for (const file of [...FILES.filter((f) => f !== "package.json"), ".github/workflows/telephony.yml"]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
      expect(result.stdout).toContain(`  ${file}\n`);
    }
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    // Run from a clone (as here), the spec is this version's range; the line says what npm install fetches.
    expect(result.stdout).toContain(
      `  package.json (depends on @pulumi/pulumi ${pkg.dependencies["@pulumi/pulumi"]}, telephony-config ^${version})\n`,
    );
    expect(pkg).toMatchObject({
      name: "acme-telephony",
      type: "module",
      engines: { node: ">=22.12.0" },
      dependencies: { "telephony-config": expect.stringMatching(/^\^\d/), "@pulumi/pulumi": expect.any(String) },
    });
    expect(parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8"))).toMatchObject({
      name: "acme-telephony",
      runtime: { name: "nodejs" },
      main: "index.js",
    });
    expect(readFileSync(join(dir, "index.js"), "utf8")).toContain(
      'export { configurations } from "telephony-config/stack";',
    );
    const example = readFileSync(join(dir, "telephony/main.yaml"), "utf8");
    expect(example.split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../node_modules/telephony-config/schemas/provider-configurations.schema.json",
    );
    expect(
      parseDeclarations(example, "main.yaml", { isSet: () => "set", unsetReference: "error", unresolved: "error" })
        .problems,
    ).toEqual([]);
    for (const command of [
      "npm install",
      "pulumi stack init prod",
      "pulumi config set telephony:orgHandle acme",
      "pulumi config set --secret telephony:apiToken < ~/.telephony-token",
      "npx telephony-config validate telephony/",
      "pulumi up",
    ]) {
      expect(result.stdout).toContain(command);
    }
    expect((await runCli(["validate", join(dir, "telephony")])).code).toBe(0);
  });

  it("refuses to overwrite anything without --force, and writes the GitLab pipeline with --ci gitlab", async () => {
    const dir = mkdtempSync(join(tmpdir(), "init-"));
    writeFileSync(join(dir, "package.json"), '{"name":"mine"}\n');
    const refused = await runCli(["init", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${join(dir, "package.json")} exists; pass --force to overwrite`);
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe('{"name":"mine"}\n');
    expect(existsSync(join(dir, "Pulumi.yaml"))).toBe(false);

    expect((await runCli(["init", dir, "--force", "--ci", "gitlab"])).code).toBe(0);
    expect(existsSync(join(dir, ".gitlab-ci.yml"))).toBe(true);
    expect(existsSync(join(dir, ".github"))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies).toHaveProperty("telephony-config");
    expect((await runCli(["init", dir, "--ci", "jenkins"])).stderr).toMatch(/--ci jenkins: expected github or gitlab/);
  });

  it("--force keeps the user's declarations and package.json fields, never follows a link, and checks everything first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "init-"));
    mkdirSync(join(dir, "telephony"));
    writeFileSync(join(dir, "telephony/main.yaml"), "configurations:\n  mine:\n    provider: 3\n");
    // As left by `npm install ./telephony-config-0.1.0.tgz`: --force must not send npm install to a registry.
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "mine",
        scripts: { x: "y" },
        dependencies: { left: "1", "telephony-config": "file:telephony-config-0.1.0.tgz" },
      }),
    );
    // What the user's .gitignore ignores may be a secret: --force only adds to it.
    writeFileSync(join(dir, ".gitignore"), "secrets/\n.env\n*.token");
    const forced = await runCli(["init", dir, "--force", "--org", "acme; echo pwned"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(
      "secrets/\n.env\n*.token\n# telephony-config\nnode_modules/\n*.log\ntoken.txt\n*.apiToken\n*.passphrase\n*.pulumiAccessToken\n",
    );
    expect(forced.stdout).toContain(
      "  .gitignore (merged into yours: added node_modules/, *.log, token.txt, *.apiToken, *.passphrase, *.pulumiAccessToken)\n",
    );
    expect(forced.stdout).toMatch(
      /^ {2}package\.json \(merged into yours: added @pulumi\/pulumi \d+\.\d+\.\d+; kept your telephony-config file:telephony-config-0\.1\.0\.tgz\)$/m,
    );
    expect(forced.stdout).toContain("telephony/main.yaml (kept as it was: your declarations)");
    expect(forced.stdout).toContain("pulumi config set telephony:orgHandle 'acme; echo pwned'");
    expect(readFileSync(join(dir, "telephony/main.yaml"), "utf8")).toBe("configurations:\n  mine:\n    provider: 3\n");
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({
      name: "mine",
      scripts: { x: "y" },
      dependencies: { left: "1", "telephony-config": "file:telephony-config-0.1.0.tgz" },
    });
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^token\.txt$/m);

    const linked = mkdtempSync(join(tmpdir(), "init-"));
    const outside = join(mkdtempSync(join(tmpdir(), "outside-")), "victim");
    writeFileSync(outside, "precious\n");
    symlinkSync(outside, join(linked, ".gitignore"));
    const refused = await runCli(["init", linked, "--force"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\.gitignore exists and are not plain files/);
    expect(readFileSync(outside, "utf8")).toBe("precious\n");

    const blocked = mkdtempSync(join(tmpdir(), "init-"));
    writeFileSync(join(blocked, "telephony"), "a file where a directory goes");
    const inTheWay = await runCli(["init", blocked]);
    expect(inTheWay.stderr).toMatch(/telephony is in the way: a directory is needed there/);
    expect(existsSync(join(blocked, "package.json"))).toBe(false);

    const broken = mkdtempSync(join(tmpdir(), "init-"));
    writeFileSync(join(broken, "package.json"), '{ "name": "mine", }\n');
    const notJson = await runCli(["init", broken, "--force"]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain(`${join(broken, "package.json")} is not valid JSON (`);
    expect(notJson.stderr).toContain("; fix it or move it away");
    expect(readFileSync(join(broken, "package.json"), "utf8")).toBe('{ "name": "mine", }\n');
    expect(existsSync(join(broken, "Pulumi.yaml"))).toBe(false);

    const numeric = join(mkdtempSync(join(tmpdir(), "init-")), "123");
    expect((await runCli(["init", numeric])).code).toBe(0);
    expect(parse(readFileSync(join(numeric, "Pulumi.yaml"), "utf8")).name).toBe("123");
  });

  it("--help has an example", async () => {
    const help = await runCli(["init", "--help"]);
    expect(help.stdout).toMatch(/Example:\n {2}npx telephony-config init /);
  });

  it("--language javascript is the default scaffold; another language is a usage error that names the two", async () => {
    const base = mkdtempSync(join(tmpdir(), "init-"));
    expect((await runCli(["init", join(base, "a"), "--org", "acme"])).code).toBe(0);
    expect((await runCli(["init", join(base, "a2"), "--language", "javascript", "--org", "acme"])).code).toBe(0);
    for (const file of [...FILES, ".github/workflows/telephony.yml"])
      expect(readFileSync(join(base, "a2", file), "utf8").replaceAll('"a2"', '"a"'), file).toBe(
        readFileSync(join(base, "a", file), "utf8"),
      );

    const typescript = await runCli(["init", join(base, "b"), "--language", "typescript"]);
    expect(typescript.code).toBe(1);
    expect(typescript.stderr).toContain("--language typescript: expected javascript (the default");
    expect(typescript.stderr).toContain("there is no TypeScript scaffold");
    const cobol = await runCli(["init", join(base, "b"), "--language", "cobol"]);
    expect(cobol.code).toBe(1);
    expect(cobol.stderr).toMatch(/--language cobol: expected javascript .* or yaml \(a Pulumi YAML program\)\n/);
    const ci = await runCli(["init", join(base, "b"), "--language", "yaml", "--ci", "github"]);
    expect(ci.code).toBe(1);
    expect(ci.stderr).toContain("--ci: the yaml scaffold has no CI workflow");
    expect(existsSync(join(base, "b"))).toBe(false);
  });
});

describe("telephony-config init --language yaml", () => {
  const schema = JSON.parse(readFileSync(join(REPO, "plugin/schema.json"), "utf8")) as {
    resources: Record<string, { inputProperties: Record<string, { secret?: boolean }>; requiredInputs: string[] }>;
  };
  const resourceSchema = schema.resources[NATIVE_RESOURCE_TYPE]!;

  it("writes a Pulumi YAML program whose example resource takes its secrets from secret stack config, and the commands to run", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "init-")), "Acme Voice");
    const result = await runCli([
      "init",
      dir,
      "--language",
      "yaml",
      "--org",
      "acme",
      "--api-url",
      "https://api.example.com",
    ]);
    expect(result.code).toBe(0);
    for (const file of ["Pulumi.yaml", ".gitignore"]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
      expect(result.stdout).toContain(`  ${file}\n`);
    }
    expect(result.stdout).toContain(`  package.json (depends on telephony-config ^${version})\n`);
    for (const absent of ["index.js", "telephony", ".github", ".gitlab-ci.yml"])
      expect(existsSync(join(dir, absent))).toBe(false);

    // package.json: only for the plugin, which npm install brings with the package.
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg).toEqual({
      name: "acme-voice",
      private: true,
      engines: { node: ">=22.12.0" },
      dependencies: { "telephony-config": expect.stringMatching(/^\^\d/) },
    });
    const program = parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as {
      name: string;
      runtime: string;
      plugins: { providers: Array<{ name: string; path: string }> };
      config: Record<string, { type: string; secret?: boolean }>;
      resources: Record<string, { type: string; properties: Record<string, unknown> }>;
      outputs: Record<string, string>;
    };
    expect(program).toMatchObject({ name: "acme-voice", runtime: "yaml" });

    // The plugin: where npm install puts the package's plugin/ directory, which the package ships.
    expect(program.plugins).toEqual({
      providers: [{ name: "telephony", path: "node_modules/telephony-config/plugin" }],
    });
    const published = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { name: string; files: string[] };
    expect(published.name).toBe("telephony-config");
    expect(published.files).toContain("plugin");
    accessSync(join(REPO, "plugin/pulumi-resource-telephony"), constants.X_OK);

    // One resource of the native type, with the schema's inputs only, its required ones given.
    expect(Object.keys(program.resources)).toEqual(["twilio-support"]);
    const resource = program.resources["twilio-support"];
    expect(resource!.type).toBe("telephony:ProviderConfiguration");
    expect(resource!.type.replace(/^telephony:/, "telephony:index:")).toBe(NATIVE_RESOURCE_TYPE);
    for (const property of Object.keys(resource!.properties))
      expect(Object.keys(resourceSchema.inputProperties), property).toContain(property);
    for (const required of resourceSchema.requiredInputs) expect(resource!.properties).toHaveProperty(required);
    expect(program.outputs).toEqual({ twilioSupportId: "${twilio-support.id}" });

    // Each secret input is a reference to config declared secret, which the next steps set with --secret.
    const secrets = Object.entries(resourceSchema.inputProperties)
      .filter(([, p]) => p.secret)
      .map(([name]) => name);
    expect(secrets.sort()).toEqual(["apiKey", "apiSecret"]);
    for (const name of secrets) {
      const reference = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(String(resource!.properties[name]));
      expect(reference, name).not.toBeNull();
      expect(program.config[reference![1]!], name).toMatchObject({ type: "string", secret: true });
    }
    for (const [configKey, declared] of Object.entries(program.config)) {
      expect(declared.secret, configKey).toBe(true);
      expect(result.stdout).toContain(`  pulumi config set --secret ${configKey} < `);
    }

    const next = result.stdout.slice(result.stdout.indexOf("Next, in that directory:")).split("\n").slice(1);
    const commands = next.map((line) => line.trim().replace(/\s+#.*$/, "")).filter(Boolean);
    expect(commands).toEqual([
      "npm install",
      "pulumi login --local",
      "pulumi stack init prod",
      "pulumi config set telephony:apiUrl https://api.example.com",
      "pulumi config set telephony:orgHandle acme",
      "pulumi config set telephony:productId YOUR_PRODUCT_ID",
      "pulumi config set --secret telephony:apiToken < ~/.telephony-token",
      "pulumi config set --secret twilioApiKey < ~/.twilio-api-key",
      "pulumi config set --secret twilioApiSecret < ~/.twilio-api-secret",
      "pulumi preview",
      "pulumi up",
    ]);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^node_modules\/$/m);
  });

  it("--force keeps an existing Pulumi.yaml: it holds the user's resources", async () => {
    const dir = mkdtempSync(join(tmpdir(), "init-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: mine\nruntime: yaml\nresources: {}\n");
    const refused = await runCli(["init", dir, "--language", "yaml"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "pass --force to overwrite (your declarations, Pulumi.yaml, are never overwritten)",
    );
    const forced = await runCli(["init", dir, "--language", "yaml", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("Pulumi.yaml (kept as it was: your declarations)");
    expect(readFileSync(join(dir, "Pulumi.yaml"), "utf8")).toBe("name: mine\nruntime: yaml\nresources: {}\n");
    expect(existsSync(join(dir, "package.json"))).toBe(true);
  });

  it("--help says how the yaml scaffold gets the plugin", async () => {
    const help = (await runCli(["init", "--help"])).stdout;
    expect(help).toContain("--language javascript|yaml");
    expect(help).toMatch(/plugins: entry runs it from\s+node_modules \(path node_modules\/telephony-config\/plugin\)/);
    expect(help).toMatch(
      /Example:\n(?: {2}npx telephony-config init .*\n)* {2}npx telephony-config init \S+ --language yaml/,
    );
  });
});
