// The CI examples parse, every command they run is one the tests run, production secrets stay out of
// pull requests, and the matrices run one job per stack at a time, each at its share of the rate budget.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rateShare } from "../../src/gitops/rate-budget.js";
import { REPO } from "../helpers/project.js";

const examples = ["github-actions.yml", "gitlab-ci.yml"].map((f) => join(REPO, "examples/ci", f));

/** Every shell line of a workflow: GitHub's `run:` and GitLab's `script:` entries. */
function shellLines(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(shellLines);
  if (!node || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if ((key === "run" || key === "script") && typeof value === "string") return value.split("\n");
    if (key === "script" && Array.isArray(value))
      return value.flat(Infinity).filter((v): v is string => typeof v === "string");
    return shellLines(value);
  });
}

const testSources = ["unit", "e2e"]
  .flatMap((tier) => readdirSync(join(REPO, "test", tier)).map((f) => join(REPO, "test", tier, f)))
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");

describe("examples/ci", () => {
  it.each(examples)("%s parses as YAML and runs only commands the tests run", (file) => {
    const workflow = parse(readFileSync(file, "utf8"), { merge: true });
    const lines = shellLines(workflow)
      .map((l) => l.trim())
      .filter(Boolean);
    const commands = lines.flatMap((l) => [...l.matchAll(/(telephony-config|pulumi) ([a-z][a-z-]*)((?: [^;|&>]*)?)/g)]);
    expect(commands.length).toBeGreaterThan(2);
    for (const [whole, tool, sub, rest] of commands) {
      const flags = [...(rest ?? "").matchAll(/--[a-z-]+/g)].map((m) => m[0]);
      if (tool === "telephony-config") {
        // The subcommand and each of its flags appear in a test's argument list.
        expect(testSources, whole).toContain(`"${sub}"`);
        for (const flag of flags) expect(testSources, `${whole}: ${flag}`).toContain(`"${flag}"`);
      } else {
        // pulumi preview/up run through the Automation API (stack.preview(), stack.up()) or the CLI.
        expect(testSources.includes(`stack.${sub}(`) || testSources.includes(`["${sub}"`), whole).toBe(true);
        // The engine's verbose logs print the token and every secret in plain text.
        expect(rest ?? "", whole).not.toMatch(/(^|\s)(-v|--verbose|--logtostderr|--logflow)\b/);
      }
    }
  });
});

describe("examples/ci keep production secrets from pull requests", () => {
  const secretsIn = (node: unknown): string[] =>
    [...JSON.stringify(node ?? {}).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]!);

  it("GitHub Actions: read-only permissions, no secrets at workflow level, production secrets only in the production environment", () => {
    const workflow = parse(readFileSync(examples[0]!, "utf8")) as {
      on: Record<string, unknown>;
      permissions: unknown;
      env: unknown;
      jobs: Record<string, { if?: string; environment?: string; permissions?: unknown }>;
    };
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(Object.keys(workflow.on)).not.toContain("pull_request_target");
    expect(secretsIn(workflow.env)).toEqual([]);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect(job.permissions, name).toBeUndefined();
      const secrets = secretsIn(job);
      if (job.if?.includes("pull_request")) {
        // Not even a read-only token: the API's list answers with every secret in plain text.
        expect(job.environment, name).toBeUndefined();
        expect(secrets, name).toEqual([]);
        expect(JSON.stringify(job), name).not.toMatch(/TELEPHONY_API_TOKEN|vars\./);
      } else if (secrets.length) {
        expect(job.environment, name).toBe("production");
      }
    }
  });

  it("GitLab: no secrets in the file, jobs that reach the API or a stack only on main in the production environment, merge requests without any token", () => {
    const pipeline = parse(readFileSync(examples[1]!, "utf8"), { merge: true }) as Record<
      string,
      { rules?: Array<{ if: string }>; environment?: string | { name: string }; script?: string[] }
    >;
    expect(Object.keys(pipeline.variables ?? {})).toEqual(["RATE_BUDGET"]);
    for (const [name, job] of Object.entries(pipeline)) {
      if (!job?.script) continue;
      const text = JSON.stringify(job);
      const rules = (job.rules ?? []).map((r) => r.if).join(" ");
      if (rules.includes("merge_request_event")) {
        expect(job.environment, name).toBeUndefined();
        expect(text, name).not.toMatch(/pulumi |PULUMI_CONFIG_PASSPHRASE|TWILIO_API_KEY|TOKEN/);
        continue;
      }
      expect(rules, name).toMatch(/\$CI_COMMIT_BRANCH == "main"/);
      // drift-summary reads artifacts only: no environment, so no environment-scoped secret either.
      if (/pulumi |telephony-config drift --stack/.test(text))
        expect(typeof job.environment === "string" ? job.environment : job.environment?.name, name).toBe("production");
      else expect(job.environment, name).toBeUndefined();
    }
  });
});

interface GithubJob {
  if?: string;
  needs?: string | string[];
  strategy?: { "fail-fast"?: boolean; "max-parallel"?: number; matrix?: { stack?: string[] } };
  concurrency?: unknown;
  env?: Record<string, string>;
  steps: Array<{ name?: string; uses?: string; if?: string; run?: string; with?: Record<string, unknown> }>;
}
interface GitlabJob {
  parallel?: { matrix: Array<{ STACK: string[] }> };
  resource_group?: string;
  stage?: string;
  needs?: string[];
  rules?: Array<{ if: string; when?: string }>;
  before_script?: string[];
  script?: string[];
  artifacts?: { when?: string; paths?: string[] };
}
const github = () =>
  parse(readFileSync(examples[0]!, "utf8")) as { env: Record<string, string>; jobs: Record<string, GithubJob> };
const gitlab = () => parse(readFileSync(examples[1]!, "utf8"), { merge: true }) as Record<string, GitlabJob>;

/** Runs a shell snippet as the runners do (bash -eo pipefail) with only these variables. */
function bash(script: string, env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync("bash", ["-eo", "pipefail", "-c", script], {
      env: { PATH: "/usr/bin:/bin", ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, stdout, stderr: "" };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("examples/ci run a matrix of stacks", () => {
  // As `init` scaffolds it: the one stack prod (a user adds theirs).
  const STACKS = ["prod"];

  it("GitHub: up and drift per stack, one concurrency group per stack never cancelled, no fail-fast, max-parallel given to the shell", () => {
    const { env, jobs } = github();
    expect(env).toEqual({ RATE_BUDGET: expect.stringMatching(/^\d+(\.\d+)?$/) });
    for (const name of ["apply", "nightly-drift"]) {
      const job = jobs[name]!;
      expect(job.strategy, name).toEqual({
        "fail-fast": false,
        "max-parallel": expect.any(Number),
        matrix: { stack: STACKS },
      });
      expect(job.concurrency, name).toEqual({ group: "telephony-${{ matrix.stack }}", "cancel-in-progress": false });
      expect(job.env, name).toMatchObject({
        STACK: "${{ matrix.stack }}",
        MAX_PARALLEL: "${{ strategy.max-parallel }}",
      });
      // The share is in the job's environment before anything reaches the API.
      const runs = job.steps.map((s) => s.run ?? "");
      const share = runs.findIndex((r) => r.includes("TELEPHONY_MAX_RPS="));
      const first = runs.findIndex((r) => /pulumi up|telephony-config drift/.test(r));
      expect(share, name).toBeGreaterThan(-1);
      expect(share, name).toBeLessThan(first);
    }
  });

  it("GitHub: each stack's summary line is kept, also when its job fails; one table across the stacks expected", () => {
    const { jobs } = github();
    const drift = jobs["nightly-drift"]!;
    expect(drift.steps.find((s) => s.run?.includes("telephony-config drift"))!.run).toContain(
      'npx telephony-config drift --stack "$STACK" --summary > "drift-$STACK.json"',
    );
    expect(drift.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))).toMatchObject({
      if: "always()",
      // A re-run's line replaces the earlier attempt's, which the summary would otherwise read.
      with: { name: "drift-${{ matrix.stack }}", path: "drift-${{ matrix.stack }}.json", overwrite: true },
    });
    const summary = jobs["drift-summary"]!;
    expect(summary.needs).toBe("nightly-drift");
    expect(summary.if).toMatch(/^always\(\) && github\.event_name == 'schedule'$/);
    expect(summary.env).toEqual({ STACKS: STACKS.join(" ") });
    expect(summary.steps.find((s) => s.uses?.startsWith("actions/download-artifact"))?.with).toEqual({
      pattern: "drift-*",
      path: "drift",
      "merge-multiple": true,
    });
    expect(summary.steps.find((s) => s.run?.includes("drift-summary"))!.run).toContain(
      'drift-summary --stacks "$STACKS" --markdown drift/*.json',
    );
  });

  it("GitLab: up and drift per stack, one resource group per stack, the line kept as an artifact, one table after every drift job", () => {
    const pipeline = gitlab();
    for (const name of ["apply", "drift"]) {
      expect(pipeline[name]!.parallel, name).toEqual({ matrix: [{ STACK: STACKS }] });
      expect(pipeline[name]!.resource_group, name).toBe("telephony-$STACK");
    }
    expect(pipeline.drift!.script).toContain(
      'code=0; npx telephony-config drift --stack "$STACK" --summary > "drift/$STACK.json" || code=$?',
    );
    expect(pipeline.drift!.artifacts).toEqual({ when: "always", paths: ["drift/"] });
    const summary = pipeline["drift-summary"]!;
    // After the drift stage, by stage: `needs` on a matrix counts each job, and GitLab allows 50.
    expect(summary.stage).toBe(".post");
    expect(summary.needs).toBeUndefined();
    expect(pipeline.drift!.stage).not.toBe(".post");
    expect(summary.rules).toEqual([{ if: expect.stringContaining("schedule"), when: "always" }]);
    expect(summary.script!.join("\n")).toContain(
      `drift-summary --stacks "${STACKS.join(" ")}" --markdown drift/*.json`,
    );
    expect(summary.artifacts).toEqual({ when: "always", paths: ["drift-summary.md"] });
  });

  /** Each file's snippet that sets TELEPHONY_MAX_RPS, run with bash: what it sets, or how it fails. */
  const snippets = {
    github: (budget: string, stacks: number, jobs = stacks, locale: Record<string, string> = {}) => {
      const job = github().jobs["nightly-drift"]!;
      const script = job.steps.find((s) => s.run?.includes("TELEPHONY_MAX_RPS="))!.run!;
      const out = join(mkdtempSync(join(tmpdir(), "rate-share-")), "github-env");
      const result = bash(`${script}\ncat "$GITHUB_ENV"`, {
        RATE_BUDGET: budget,
        MAX_PARALLEL: String(stacks),
        JOBS: String(jobs),
        GITHUB_ENV: out,
        ...locale,
      });
      return { ...result, value: /^TELEPHONY_MAX_RPS=(.*)$/m.exec(result.stdout)?.[1] };
    },
    gitlab: (budget: string, stacks: number, _jobs = stacks, locale: Record<string, string> = {}) => {
      const lines = gitlab().drift!.before_script!.filter((l) => l.includes("TELEPHONY_MAX_RPS"));
      const result = bash(`${lines.join("\n")}\necho "TELEPHONY_MAX_RPS=$TELEPHONY_MAX_RPS"`, {
        RATE_BUDGET: budget,
        CI_NODE_TOTAL: String(stacks),
        ...locale,
      });
      return { ...result, value: /^TELEPHONY_MAX_RPS=(.*)$/m.exec(result.stdout)?.[1] };
    },
  };

  it.each(
    (["github", "gitlab"] as const).flatMap((ci) =>
      [
        [20, 4],
        [20, 3],
        [10, 3],
        [1, 3],
        [0.5, 4],
        [7.5, 2],
        [100, 7],
        [2.3, 1],
        [0.1, 1],
        // awk would print 1.23457e+06, rounded up past the budget.
        [1234567, 1],
        [1000000.5, 3],
      ].map(([budget, stacks]) => [ci, budget!, stacks!] as const),
    ),
  )("%s: the share of %s rps across %s stacks is rateShare's", (ci, budget, stacks) => {
    const result = snippets[ci](String(budget), stacks);
    expect(result.code, result.stderr).toBe(0);
    expect(Number(result.value)).toBe(rateShare(budget, stacks));
  });

  it.each([
    [20, 4, 1, 20],
    [20, 4, 3, 6.66],
    [20, 2, 5, 10],
  ])(
    "github: %s rps, max-parallel %s, %s stacks in the matrix: the jobs that run at once share it (%s)",
    (budget, parallel, jobs, share) => {
      const result = snippets.github(String(budget), parallel, jobs);
      expect(Number(result.value)).toBe(share);
      expect(share).toBe(rateShare(budget, Math.min(parallel, jobs)));
    },
  );

  it.each(
    (["github", "gitlab"] as const).flatMap((ci) =>
      [
        ["0.2", 3],
        ["0", 2],
        ["", 2],
        ["twenty", 2],
        ["20", 0],
        // What awk alone reads as a number (10, 2, NaN, infinity), and rateShare would not.
        ["10rps", 2],
        ["2,5", 1],
        ["nan", 1],
        ["inf", 1],
        ["1e400", 1],
        ["-5", 1],
      ].map(([budget, stacks]) => [ci, budget as string, stacks as number] as const),
    ),
  )("%s: where rateShare refuses (budget %j across %s), the step fails and sets nothing", (ci, budget, stacks) => {
    expect(() => rateShare(Number(budget) || 0, stacks)).toThrow();
    const result = snippets[ci](budget, stacks);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /leaves each under 0\.1 requests per second|must be a whole number|must be a number of requests per second/,
    );
    expect(result.value ?? "").toBe("");
  });

  // A locale with a decimal comma, built here (the images have none): awk would write 6,66 in it.
  const locales = mkdtempSync(join(tmpdir(), "locale-"));
  const hasLocale = (() => {
    try {
      execFileSync("localedef", ["-i", "de_DE", "-f", "UTF-8", join(locales, "de_DE.UTF-8")], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasLocale).each(["github", "gitlab"] as const)(
    "%s: the share is written with a decimal point under a locale with a decimal comma",
    (ci) => {
      const result = snippets[ci]("20", 3, 3, { LOCPATH: locales, LC_ALL: "de_DE.UTF-8" });
      expect(result.code, result.stderr).toBe(0);
      expect(result.value).toBe("6.66");
    },
  );
});
