// The CI examples parse, and every command they run is one the tests run.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
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
    const commands = lines.flatMap((l) => [...l.matchAll(/(telephony-config|pulumi) ([a-z]+)((?: [^;|&>]*)?)/g)]);
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

  it("GitLab: no secrets in the file, production jobs only on main in the production environment, merge requests without any token", () => {
    const pipeline = parse(readFileSync(examples[1]!, "utf8"), { merge: true }) as Record<
      string,
      { rules?: Array<{ if: string }>; environment?: string | { name: string }; script?: string[] }
    >;
    expect(Object.keys(pipeline.variables ?? {})).toEqual(["STACK"]);
    for (const [name, job] of Object.entries(pipeline)) {
      if (!job?.script) continue;
      const text = JSON.stringify(job);
      const rules = (job.rules ?? []).map((r) => r.if).join(" ");
      if (rules.includes("merge_request_event")) {
        expect(job.environment, name).toBeUndefined();
        expect(text, name).not.toMatch(/pulumi |PULUMI_CONFIG_PASSPHRASE|TWILIO_API_KEY|TOKEN/);
      } else {
        expect(typeof job.environment === "string" ? job.environment : job.environment?.name, name).toBe("production");
        expect(rules, name).toMatch(/\$CI_COMMIT_BRANCH == "main"/);
      }
    }
  });
});
