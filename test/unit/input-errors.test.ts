// Every mistake in what a user types (declarations, the command line) as the user sees it: the exact
// text, from the built CLI run in a directory of its own, and never a secret in it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configure } from "../../src/runtime/index.js";
import { startApi, TOKEN, type Api } from "../helpers/api.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { REPO } from "../helpers/project.js";

const dir = mkdtempSync(join(tmpdir(), "input-errors-"));
mkdirSync(join(dir, "telephony"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Values that must never be shown: set in the environment and in the stack's settings of every run. */
const SECRETS = { TWILIO_API_KEY: "sk_live_never_shown_5e1f", TWILIO_API_SECRET: "secret-never-shown-77c2" };
const LITERAL_SECRET = "sk_live_literal_never_shown_9a3d";
const KNOWN = "1 Airtel, 2 Jio, 3 Twilio, 4 LiveKit, 5 Daily, 6 Vapi, 58 Vodafone, 66 VI";
const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;

/** Writes telephony/<name> in the run's directory; the path as the user would type it. */
function declare(name: string, yaml: string): string {
  writeFileSync(join(dir, "telephony", name), yaml);
  return `telephony/${name}`;
}

const cli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, { cwd: dir, env: { ...SECRETS, ...env } });

/** The lines of the problems a validate run printed (its summary's wording is validate's own). */
const problemLines = (stdout: string) => stdout.split("\n").filter((l) => l.startsWith("telephony/"));

interface Row {
  what: string;
  run: () => Promise<CliResult>;
  code: number;
  /** What the user reads: the whole of stdout or stderr, or the problem lines of a validate run. */
  stdout?: string;
  stderr?: string;
  problems?: string[];
}

const rows: Row[] = [
  {
    what: "a misspelt field: the field meant",
    run: () =>
      cli([
        "validate",
        declare("typo.yaml", "configurations:\n  twilio-support:\n    nmae: Support line\n    provider: 3\n"),
      ]),
    code: 1,
    problems: [
      'telephony/typo.yaml:3:5: error: configurations.twilio-support.nmae: unknown field (did you mean "name"?)',
    ],
  },
  {
    what: "a field named as the API names it: the declaration's name",
    run: () =>
      cli([
        "validate",
        declare("api-name.yaml", "configurations:\n  a:\n    provider: 3\n    api_key: ${env:TWILIO_API_KEY}\n"),
      ]),
    code: 1,
    problems: ['telephony/api-name.yaml:4:5: error: configurations.a.api_key: unknown field (did you mean "apiKey"?)'],
  },
  {
    what: "a misspelt top-level key: configurations",
    run: () => cli(["validate", declare("top.yaml", "configuration:\n  a:\n    provider: 3\n")]),
    code: 1,
    problems: [
      "telephony/top.yaml:1:1: error: (document): missing required field configurations",
      'telephony/top.yaml:1:1: error: configuration: unknown field (did you mean "configurations"?)',
    ],
  },
  {
    what: "a duplicate YAML key: named, with the line of the first",
    run: () =>
      cli([
        "validate",
        declare(
          "dup.yaml",
          "configurations:\n  twilio-support:\n    provider: 3\n    apiKey: ${env:TWILIO_API_KEY}\n  livekit:\n    provider: 4\n  twilio-support:\n    provider: 3\n",
        ),
      ]),
    code: 1,
    problems: ['telephony/dup.yaml:7:3: error: duplicate key "twilio-support" (first at line 2)'],
  },
  {
    what: "a reference of an unknown kind, in a secret field and a plain one",
    run: () =>
      cli([
        "validate",
        declare(
          "vault.yaml",
          "configurations:\n  a:\n    provider: 3\n    apiKey: ${vault:x}\n    baseUrl: ${vault:x}/api\n",
        ),
      ]),
    code: 1,
    problems: [
      'telephony/vault.yaml:4:13: error: configurations.a.apiKey: unknown reference kind "vault": a secret is ${env:NAME} (an environment variable) or ${secret:KEY} (stack secret config)',
      'telephony/vault.yaml:5:14: error: configurations.a.baseUrl: unknown reference kind "vault" in ${vault:x}: use ${config:KEY} or ${stack}, or ${env:NAME} or ${secret:KEY} as the whole value of apiKey or apiSecret',
    ],
  },
  {
    what: "a misspelt reference kind: the kind meant",
    run: () =>
      cli([
        "validate",
        declare("secrt.yaml", "configurations:\n  a:\n    provider: 3\n    apiSecret: ${secrt:TWILIO_API_SECRET}\n"),
      ]),
    code: 1,
    problems: [
      'telephony/secrt.yaml:4:16: error: configurations.a.apiSecret: unknown reference kind "secrt" (did you mean ${secret:…}?)',
    ],
  },
  {
    what: "a literal secret: refused, never repeated",
    run: () =>
      cli([
        "validate",
        declare("literal.yaml", `configurations:\n  a:\n    provider: 3\n    apiKey: ${LITERAL_SECRET}\n`),
      ]),
    code: 1,
    problems: [
      "telephony/literal.yaml:4:13: error: configurations.a.apiKey: must be a secret reference such as ${env:NAME} or ${secret:KEY}, not a literal value",
    ],
  },
  {
    what: "a literal secret typed into a key (= for :, in a flow mapping) or wrapped in ${…}: refused, never repeated",
    run: () =>
      cli([
        "validate",
        declare(
          "typed-in.yaml",
          `configurations:\n  a: {provider: 3, apiKey= ${LITERAL_SECRET}}\n  b:\n    provider: 3\n    apiKey: "\${${LITERAL_SECRET}}"\n`,
        ),
      ]),
    code: 1,
    problems: [
      "telephony/typed-in.yaml:2:20: error: configurations.a: an unknown field whose name is not a field name (a value typed into the key? it is not repeated here)",
      "telephony/typed-in.yaml:5:13: error: configurations.b.apiKey: not a secret reference: a secret is ${env:NAME} (an environment variable) or ${secret:KEY} (stack secret config)",
    ],
  },
  {
    what: "a token as a key, an id and a secret pasted as ${id:secret}: refused, never repeated",
    run: () =>
      cli([
        "validate",
        declare(
          "pasted.yaml",
          "configurations:\n  a:\n    provider: 3\n    9f86d081884c7d659a2feaa0c55ad015: x\n    apiSecret: ${APIk3yId:s3cretValueXYZ}\n",
        ),
      ]),
    code: 1,
    problems: [
      "telephony/pasted.yaml:4:5: error: configurations.a: an unknown field whose name is not a field name (a value typed into the key? it is not repeated here)",
      "telephony/pasted.yaml:5:16: error: configurations.a.apiSecret: not a secret reference: a secret is ${env:NAME} (an environment variable) or ${secret:KEY} (stack secret config)",
    ],
  },
  {
    what: "control characters in a key: escaped, they cannot drive the terminal",
    run: () =>
      cli(["validate", declare("ansi.yaml", 'configurations:\n  a:\n    provider: 3\n    "x\\e[2Jnmae": A\n')]),
    code: 1,
    problems: [
      "telephony/ansi.yaml:4:5: error: configurations.a: an unknown field whose name is not a field name (a value typed into the key? it is not repeated here)",
    ],
  },
  {
    what: "control characters in an option: escaped",
    run: () => cli(["drift", "--st\u001b[31mack", "x"]),
    code: 1,
    stderr:
      "telephony-config drift: unknown option --st\\u001b[31mack\nRun 'telephony-config drift --help' for its options.\n",
  },
  {
    what: "a provider id the catalogue does not know: a warning, still valid",
    run: () =>
      cli([
        "validate",
        declare("provider.yaml", "configurations:\n  a:\n    provider: 7\n    apiKey: ${env:TWILIO_API_KEY}\n"),
      ]),
    code: 0,
    problems: [
      `telephony/provider.yaml:3:15: warning: configurations.a.provider: provider 7 is not in the known catalogue (${KNOWN}); the API decides`,
    ],
  },
  {
    what: "a misspelt option: the option meant, and where to look",
    run: () => cli(["drift", "--stak", "prod"]),
    code: 1,
    stdout: "",
    stderr:
      "telephony-config drift: unknown option --stak (did you mean --stack?)\nRun 'telephony-config drift --help' for its options.\n",
  },
  {
    what: "a long option written with one dash",
    run: () => cli(["validate", "-stack", "prod"]),
    code: 1,
    stderr:
      "telephony-config validate: unknown option -stack (did you mean --stack?)\nRun 'telephony-config validate --help' for its options.\n",
  },
  {
    what: "an option of no command, nothing close",
    run: () => cli(["adopt", "--frobnicate"]),
    code: 1,
    stderr:
      "telephony-config adopt: unknown option --frobnicate\nRun 'telephony-config adopt --help' for its options.\n",
  },
  {
    what: "an option without its value",
    run: () => cli(["drift", "telephony", "--stack"]),
    code: 1,
    stderr:
      "telephony-config drift: option --stack needs a value\nRun 'telephony-config drift --help' for its options.\n",
  },
  {
    what: "a misspelt command: the command meant",
    run: () => cli(["drfit", "--stack", "prod"]),
    code: 1,
    stderr:
      "telephony-config: unknown command \"drfit\" (did you mean drift?)\nRun 'telephony-config --help' for the commands.\n",
  },
  {
    what: "options before the command: they go after it, in the order meant",
    run: () => cli(["--stack", "prod", "drift"]),
    code: 1,
    stderr:
      "telephony-config: --stack: options go after the command (telephony-config drift --stack prod)\nRun 'telephony-config --help' for the commands.\n",
  },
  {
    what: "a misspelt --version",
    run: () => cli(["--versoin"]),
    code: 1,
    stderr: "telephony-config: unknown option --versoin (did you mean --version?)\n",
  },
  {
    what: "an option's value forgotten before another option",
    run: () => cli(["drift", "--stack", "--json"]),
    code: 1,
    stderr:
      "telephony-config drift: option --stack needs a value (a value that starts with - is given as --stack=-VALUE)\nRun 'telephony-config drift --help' for its options.\n",
  },
  {
    what: "--version: the package's version",
    run: () => cli(["--version"]),
    code: 0,
    stdout: `${version}\n`,
  },
  {
    what: "-v: the same",
    run: () => cli(["-v"]),
    code: 0,
    stdout: `${version}\n`,
  },
];

describe("what the user sees for a mistake in what they typed", () => {
  it.each(rows.map((row) => [row.what, row] as const))("%s", async (_what, row) => {
    const result = await row.run();
    if (row.stdout !== undefined) expect(result.stdout).toBe(row.stdout);
    if (row.stderr !== undefined) expect(result.stderr).toBe(row.stderr);
    if (row.problems !== undefined) {
      expect(problemLines(result.stdout)).toEqual(row.problems);
      expect(result.stderr).toBe("");
    }
    expect(result.code).toBe(row.code);
    for (const secret of [...Object.values(SECRETS), LITERAL_SECRET, TOKEN]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });
});

describe("a provider id the catalogue does not know, past validate", () => {
  let api: Api | undefined;
  afterAll(async () => api?.close());

  it("does not stop drift, which says it on stderr, and the API stays the judge", async () => {
    api = await startApi();
    const file = declare("drift.yaml", "configurations:\n  a:\n    provider: 7\n    apiKey: ${env:TWILIO_API_KEY}\n");
    const drift = await cli(["drift", "--json", file], {
      TELEPHONY_API_URL: api.server.url,
      TELEPHONY_API_TOKEN: TOKEN,
      TELEPHONY_ORG_HANDLE: "dev-org",
      TELEPHONY_PRODUCT_ID: "1",
    });
    expect(drift.code).toBe(2);
    expect(JSON.parse(drift.stdout).summary).toMatchObject({ missing: 1 });
    expect(drift.stderr).toBe(
      `${file}:3:15: warning: configurations.a.provider: provider 7 is not in the known catalogue (${KNOWN}); the API decides\n`,
    );
    expect(`${drift.stdout}${drift.stderr}`).not.toContain(SECRETS.TWILIO_API_KEY);
    // The one that refuses it is the API, at up.
    await expect(api.client.create({ name: "a", provider: 7 })).rejects.toThrow(/unknown provider id 7/);
  });

  it("is said at the resource's check (preview), which does not fail, once the id is new to the state", () => {
    const notices: string[] = [];
    const runtime = configure({
      settings: () => {
        throw new Error("not needed by check");
      },
      notice: (message) => notices.push(message),
      mayWrite: () => undefined,
    });
    const news = { name: "a", provider: 7, apiKey: SECRETS.TWILIO_API_KEY, owner: { stack: "p/dev", resource: "a" } };
    expect(runtime.check({}, news)).toEqual([]);
    expect(runtime.check({ name: "a", provider: 7 }, news)).toEqual([]);
    expect(runtime.check({}, { ...news, provider: 66 })).toEqual([]);
    expect(notices).toEqual([
      `warning: resource "a": provider 7 is not in the known catalogue (${KNOWN}); the API decides`,
    ]);
  });
});
