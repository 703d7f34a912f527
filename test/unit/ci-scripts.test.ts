// Every shell step of the CI examples, run as the runners run them (bash -eo pipefail), with stand-ins
// for the commands they call: a drift must fail the jobs meant to fail on it, after its report is written.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "../helpers/project.js";

interface Step {
  job: string;
  script: string;
}

const stubs = mkdtempSync(join(tmpdir(), "ci-stubs-"));
for (const [name, body] of Object.entries({
  npx: 'exec "$@"',
  // The report goes to stdout; drift's exit code is the test's choice.
  "telephony-config":
    'echo "REPORT $*"; if [ "$1" = drift ] || [ "$1" = drift-summary ]; then exit "${TC_EXIT:-0}"; fi',
  // `config get telephony:largeStack` answers TC_LARGE_STACK, failing as the CLI does when it is unset; `up` says
  // whether it would skip its checkpoints.
  pulumi:
    'if [ "$1 $2" = "config get" ]; then [ -n "${TC_LARGE_STACK:-}" ] || exit 255; echo "$TC_LARGE_STACK"; fi\n' +
    'if [ "$1" = up ]; then echo "UP $2 skip-checkpoints=${PULUMI_SKIP_CHECKPOINTS:-}"; fi',
  npm: "exit 0",
  curl: "exit 0",
  sh: "cat > /dev/null; exit 0",
})) {
  writeFileSync(join(stubs, name), `#!/bin/bash\n${body}\n`);
  chmodSync(join(stubs, name), 0o755);
}

function githubSteps(): Step[] {
  const workflow = parse(readFileSync(join(REPO, "examples/ci/github-actions.yml"), "utf8")) as {
    jobs: Record<string, { steps: Array<{ run?: string }> }>;
  };
  return Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
    steps.filter((s) => s.run).map((s) => ({ job, script: s.run! })),
  );
}

function gitlabSteps(): Step[] {
  const pipeline = parse(readFileSync(join(REPO, "examples/ci/gitlab-ci.yml"), "utf8"), { merge: true }) as Record<
    string,
    { script?: unknown[]; before_script?: unknown[] }
  >;
  // GitLab runs a job's before_script and script in one shell.
  return Object.entries(pipeline)
    .filter(([, job]) => Array.isArray(job?.script))
    .map(([job, { script, before_script }]) => ({
      job,
      script: ([...(before_script ?? []), ...script!].flat(Infinity) as string[]).join("\n"),
    }));
}

function run(
  step: Step,
  code: number,
  env: Record<string, string> = {},
): Promise<{ exit: number; stdout: string; summary: string; driftFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), "ci-step-"));
  const summary = join(dir, "summary.md");
  writeFileSync(summary, "");
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-eo", "pipefail", "-c", step.script],
      {
        cwd: dir,
        env: {
          PATH: `${stubs}:/usr/bin:/bin`,
          HOME: dir,
          STACK: "prod",
          // The matrix jobs' share of the rate budget: GitHub's max-parallel, GitLab's jobs in the matrix.
          RATE_BUDGET: "20",
          MAX_PARALLEL: "2",
          CI_NODE_TOTAL: "3",
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_ENV: join(dir, "github-env"),
          TC_EXIT: String(code),
          ...env,
        },
      },
      (error, stdout) => {
        const driftFile = join(dir, "drift.md");
        resolve({
          exit: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout,
          summary: readFileSync(summary, "utf8"),
          driftFile: existsSync(driftFile) ? readFileSync(driftFile, "utf8") : "",
        });
      },
    );
  });
}

// The jobs that run drift are the scheduled checks: exit 2 fails them, and the summary across stacks.
const FAILS_ON_DRIFT = new Set(["nightly-drift", "drift", "drift-summary"]);

describe.each([
  ["github-actions.yml", githubSteps()],
  ["gitlab-ci.yml", gitlabSteps()],
])("examples/ci/%s under bash -eo pipefail", (_file, steps) => {
  const drifts = steps.filter((s) => s.script.includes("telephony-config drift"));

  it("has drift steps to check", () => {
    expect(drifts.length).toBeGreaterThan(0);
  });

  it.each(steps.map((s) => [s.job, s.script.split("\n")[0], s] as const))(
    "%s: %s — passes when everything passes",
    async (_job, _line, step) => {
      expect((await run(step, 0)).exit).toBe(0);
    },
  );

  it.each(drifts.map((s) => [s.job, s] as const))(
    "%s: drift (exit 2) is reported, and fails the job only where it should",
    async (job, step) => {
      const result = await run(step, 2);
      expect(result.exit).toBe(FAILS_ON_DRIFT.has(job) ? 2 : 0);
      // Where the step keeps a report (job summary or artifact), the report is there.
      if (step.script.includes("GITHUB_STEP_SUMMARY")) expect(result.summary).toContain("REPORT drift");
      if (step.script.includes("drift.md")) expect(result.summary + result.driftFile).toContain("REPORT drift");
    },
  );

  it.each(drifts.map((s) => [s.job, s] as const))("%s: an error (exit 1) always fails the job", async (_job, step) => {
    expect((await run(step, 1)).exit).not.toBe(0);
  });

  const ups = steps.filter((s) => s.script.includes("pulumi up"));
  it.each([
    ["true", "UP --refresh skip-checkpoints=true"],
    ["false", "UP --stack skip-checkpoints="],
    ["", "UP --stack skip-checkpoints="],
  ])(
    "pulumi up skips its checkpoints, and refreshes, only where telephony:largeStack is %j",
    async (optIn, printed) => {
      expect(ups.length).toBeGreaterThan(0);
      for (const step of ups) {
        const result = await run(step, 0, { TC_LARGE_STACK: optIn });
        expect(result.exit).toBe(0);
        expect(result.stdout).toContain(`${printed}\n`);
      }
    },
  );
});
