// examples/environments through the real Pulumi CLI: two stacks of one project, on two organizations of
// the local API server, share one declarations folder (a fragment merged with <<, a file of several
// documents, ${config:sipDomain} and ${stack}); each organization gets the same configurations with its
// own values, and a change to one stack's config changes only its organization.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { withoutMark } from "../../src/model/index.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { leaks } from "../helpers/leaks.js";
import { REPO } from "../helpers/project.js";
import { SECRETS } from "../helpers/stack.js";

const run = promisify(execFile);

describe("examples/environments: one folder of declarations, a stack per environment", () => {
  let api: Api | undefined;
  const root = mkdtempSync(join(tmpdir(), "telephony-environments-"));
  afterAll(async () => {
    await api?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it(
    "dev and prod each hold the same configurations with their own values, and change alone",
    { timeout: 300_000 },
    async () => {
      api = await startApi({ tokens: { [TOKEN]: ["dev-org", "prod-org"] } });
      // The example's layout, so that its `main: ../../dist/…` holds: the repo's dist and node_modules linked.
      for (const linked of ["dist", "node_modules", "schemas", "package.json"])
        symlinkSync(join(REPO, linked), join(root, linked));
      const dir = join(root, "examples", "environments");
      mkdirSync(dirname(dir), { recursive: true });
      cpSync(join(REPO, "examples", "environments"), dir, { recursive: true });
      const env = {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${join(root, "backend")}`,
        PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
        TELEPHONY_API_URL: api.server.url,
        TELEPHONY_API_TOKEN: TOKEN,
        TWILIO_API_KEY: SECRETS.TWILIO_API_KEY,
      };
      mkdirSync(join(root, "backend"));
      let printed = "";
      // prod opts into the large-stack mode: its updates run as the CI examples run them there.
      const pulumi = async (stack: string, args: string[]) => {
        const { stdout, stderr } = await run("pulumi", [...args, "--stack", stack, "--non-interactive"], {
          cwd: dir,
          env: stack === "prod" ? { ...env, PULUMI_SKIP_CHECKPOINTS: "true" } : env,
          maxBuffer: 64 << 20,
        });
        printed += stdout + stderr;
        return stdout;
      };
      const cli = async (args: string[]) => {
        const result = await runCli(args, {
          cwd: dir,
          env: {
            PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL,
            PULUMI_CONFIG_PASSPHRASE: env.PULUMI_CONFIG_PASSPHRASE,
            TELEPHONY_API_URL: api!.server.url,
            TELEPHONY_API_TOKEN: TOKEN,
            TWILIO_API_KEY: SECRETS.TWILIO_API_KEY,
          },
        });
        printed += result.stdout + result.stderr;
        return result;
      };
      const live = async (org: string) =>
        (await api!.clientWith({ orgHandle: org }).list())
          .map((c) => ({
            name: c.name,
            provider: c.provider,
            active: c.active,
            sip: c.sip_url,
            base: c.base_url,
            meta: withoutMark(c.meta_json).map((m) => `${m.meta_key}=${m.meta_value}`),
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
      const expected = (stack: string, domain: string) => [
        {
          name: `Airtel Backup (${stack})`,
          provider: 1,
          active: false,
          sip: `sips:backup@${domain}`,
          base: null,
          meta: [],
        },
        {
          name: `Jio Backup (${stack})`,
          provider: 2,
          active: false,
          sip: `sips:backup-in@${domain}`,
          base: null,
          meta: [],
        },
        {
          name: `Twilio Sales (${stack})`,
          provider: 3,
          active: true,
          sip: `sip:sales@${domain}`,
          base: "https://api.twilio.com",
          meta: [`environment=${stack}`],
        },
        {
          name: `Twilio Support (${stack})`,
          provider: 3,
          active: true,
          sip: `sip:support@${domain}`,
          base: "https://api.twilio.com",
          meta: [`environment=${stack}`],
        },
      ];

      for (const stack of ["dev", "prod"]) {
        await pulumi(stack, ["stack", "init"]);
        // validate --stack resolves as the stack's program will, before anything is sent.
        const validated = await cli(["validate", "--stack", stack]);
        expect(validated.stdout).toContain("valid: 4 configurations, 0 warnings");
        expect(validated.code).toBe(0);
        await pulumi(stack, ["up", "--yes", "--skip-preview"]);
      }
      expect(await live("dev-org")).toEqual(expected("dev", "dev.sip.example.com"));
      expect(await live("prod-org")).toEqual(expected("prod", "sip.example.com"));

      for (const stack of ["dev", "prod"]) {
        await pulumi(stack, ["preview", "--expect-no-changes"]);
        expect(await cli(["drift", "telephony", "--stack", stack])).toMatchObject({ code: 0 });
      }
      // A stack named in full is the same stack: ${stack} is its own name, as in its program.
      expect(await cli(["drift", "--stack", "organization/telephony-environments/dev"])).toMatchObject({ code: 0 });

      // Without --stack nothing is resolved: validate warns, drift refuses to compare templates.
      const unresolved = await cli(["validate", "telephony"]);
      expect(unresolved.code).toBe(0);
      expect(unresolved.stdout).toContain(
        "warning: 6 ${config:…} references (sipDomain, twilioBaseUrl) and 6 ${stack} are resolved only with --stack NAME (as the stack's program resolves them)",
      );
      const refused = await cli(["drift", "telephony"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("is resolved per stack: give --stack NAME to resolve it");

      // A new SIP domain for prod changes prod's configurations, and nothing of dev's.
      const devBefore = await api.clientWith({ orgHandle: "dev-org" }).list();
      await pulumi("prod", ["config", "set", "sipDomain", "sip.example.net"]);
      expect((await cli(["drift", "telephony", "--stack", "prod"])).code).toBe(2);
      await pulumi("prod", ["up", "--yes", "--skip-preview"]);
      expect(await live("prod-org")).toEqual(expected("prod", "sip.example.net"));
      expect(await api.clientWith({ orgHandle: "dev-org" }).list()).toEqual(devBefore);
      await pulumi("prod", ["preview", "--expect-no-changes"]);
      await pulumi("dev", ["preview", "--expect-no-changes"]);

      // A stack adds a folder of its own to the shared one (telephony:declarations as a list).
      mkdirSync(join(dir, "prod-only"));
      writeFileSync(
        join(dir, "prod-only", "vodafone.yaml"),
        "configurations:\n  vodafone:\n    name: Vodafone (${stack})\n    provider: 58\n",
      );
      await pulumi("prod", ["config", "set", "--path", "telephony:declarations[0]", "telephony"]);
      await pulumi("prod", ["config", "set", "--path", "telephony:declarations[1]", "prod-only"]);
      await pulumi("prod", ["up", "--yes", "--skip-preview"]);
      expect((await live("prod-org")).map((c) => c.name)).toContain("Vodafone (prod)");
      expect(await cli(["validate", "--stack", "prod"])).toMatchObject({ code: 0 });
      // drift --stack alone reads the same list: nothing would be deleted.
      expect(await cli(["drift", "--stack", "prod"])).toMatchObject({ code: 0 });
      expect(await api.clientWith({ orgHandle: "dev-org" }).list()).toEqual(devBefore);
      // The same key in both folders stays an error naming both, and nothing changes; and so is a
      // ${secret:…} whose value the stack keeps in plain text, named without its value.
      writeFileSync(join(dir, "prod-only", "again.yaml"), "configurations:\n  jio-backup:\n    provider: 2\n");
      writeFileSync(
        join(dir, "prod-only", "plain.yaml"),
        "configurations:\n  vodafone-keyed:\n    provider: 58\n    apiKey: ${secret:plainKey}\n",
      );
      const plainValue = "plain-value-NOT-TO-SHOW";
      await pulumi("prod", ["config", "set", "plainKey", plainValue]);
      const twice = await run("pulumi", ["preview", "--stack", "prod", "--non-interactive"], { cwd: dir, env }).then(
        () => "",
        (error: { stdout: string; stderr: string }) => error.stdout + error.stderr,
      );
      expect(twice).toMatch(
        /prod-only\/again\.yaml:2:\d+: configurations\.jio-backup: declared again \(first in .*telephony\/backups\.yaml:11\)/,
      );
      const notSecret =
        "prod-only/plain.yaml:4:13: configurations.vodafone-keyed.apiKey: ${secret:plainKey}: stack config plainKey is not a secret, its value is in plain text in the stack's config file: pulumi config set --secret plainKey …";
      expect(twice).toContain(notSecret);
      const validated = await cli(["validate", "--stack", "prod"]);
      expect(validated.code).toBe(1);
      expect(validated.stdout).toContain(notSecret.replace(": configurations", ": error: configurations"));
      expect(twice + validated.stdout + validated.stderr).not.toContain(plainValue);

      rmSync(join(dir, "prod-only", "again.yaml"));
      rmSync(join(dir, "prod-only", "plain.yaml"));
      for (const stack of ["dev", "prod"]) await pulumi(stack, ["destroy", "--yes", "--skip-preview"]);
      expect(await live("dev-org")).toEqual([]);
      expect(await live("prod-org")).toEqual([]);
      expect(leaks(printed)).toEqual([]);
      expect(readFileSync(join(dir, "Pulumi.dev.yaml"), "utf8")).toContain("sipDomain: dev.sip.example.com");
    },
  );
});
