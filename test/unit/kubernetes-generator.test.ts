// telephony-config init --kubernetes: the planner (names within PKO's limits, rate shares, every refusal with
// its message), the CLI as a user runs it (what it writes, --force, nothing written on a refusal), and the
// committed example, deploy/kubernetes/overlays/example, as the generator writes it today.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { driftCommand } from "../../src/gitops/kubernetes-drift.js";
import { DEFAULT_IMAGE } from "../../src/gitops/kubernetes-stack.js";
import {
  kubernetesPlan,
  KubernetesOptionsError,
  packageBase,
  type KubernetesOptions,
  type KubernetesPlan,
} from "../../src/gitops/kubernetes.js";
import {
  committedConfigProblems,
  existingOverlayFindings,
  kustomizationEditsProblem,
  type ExistingOverlay,
} from "../../src/gitops/kubernetes-existing.js";
import { runCli } from "../helpers/cli.js";
import { REPO } from "../helpers/project.js";

const OPTIONS: KubernetesOptions = {
  repo: "https://github.com/acme/telephony-infra.git",
  backend: "s3://acme-pulumi-state",
  stacks: ["acme-prod=acme"],
};
const plan = (options: Partial<KubernetesOptions>): KubernetesPlan =>
  kubernetesPlan({ ...OPTIONS, ...options }, packageBase());
const refusal = (options: Partial<KubernetesOptions>): string => {
  try {
    plan(options);
  } catch (error) {
    expect(error).toBeInstanceOf(KubernetesOptionsError);
    return (error as Error).message;
  }
  throw new Error("the plan was made");
};

// The manifests' spec, read as YAML gives it: the tests reach into it by the paths PKO and Kubernetes define.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Object_ = { kind: string; metadata: { name: string }; spec: Record<string, any> };
const objectsOf = (text: string): Object_[] => parseAllDocuments(text).map((doc) => doc.toJS() as Object_);
/** An overlay file of the plan (base/ has a kustomization.yaml too). */
const fileOf = (p: KubernetesPlan, suffix: string) =>
  p.files.find((file) => file.path.startsWith("overlays/") && file.path.endsWith(suffix))!.text;
const stacksOf = (p: KubernetesPlan) => objectsOf(fileOf(p, "/stacks.yaml"));
const cronJobsOf = (p: KubernetesPlan) => objectsOf(fileOf(p, "/drift-cronjobs.yaml"));
const driftContainer = (cronJob: Object_) => cronJob.spec.jobTemplate.spec.template.spec.containers[0];
const envOf = (container: { env: Array<{ name: string; value?: string; valueFrom?: unknown }> }) =>
  Object.fromEntries(container.env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe("init --kubernetes: the planner", () => {
  it.each([
    ["acme-prod", "acme-prod"],
    ["Acme_Prod", "acme-prod"],
    ["eu.west..prod_", "eu-west-prod"],
    ["organization/telephony/acme-prod", "acme-prod"],
    ["acme/globex-dev", "globex-dev"],
    [`a${"b".repeat(41)}`, `a${"b".repeat(41)}`],
  ])("the Pulumi stack %s is the Stack %s, its CronJob <name>-drift, its Secret <name>-secrets", (stack, name) => {
    const p = plan({ stacks: [stack] });
    const [object] = stacksOf(p);
    expect(object!.metadata.name).toBe(name);
    expect(object!.metadata.name.length).toBeLessThanOrEqual(42);
    expect(object!.spec.stack).toBe(stack);
    const [cronJob] = cronJobsOf(p);
    expect(cronJob!.metadata.name).toBe(`${name}-drift`);
    expect(cronJob!.metadata.name.length).toBeLessThanOrEqual(52);
    expect(driftContainer(cronJob!).args).toEqual(["drift", "--stack", stack, "--summary"]);
    expect(object!.spec.secretsRef["telephony:apiToken"].secret.name).toBe(`${name}-secrets`);
  });

  it.each([
    ["10", 3, "3.33"],
    ["10", 1, "10"],
    ["1", 10, "0.1"],
    ["2.5", 2, "1.25"],
  ])(
    "--rate-budget %s across %s stacks: each Stack's telephony:maxRequestsPerSecond and CronJob's TELEPHONY_MAX_RPS is %s",
    (budget, n, share) => {
      const p = plan({ rateBudget: budget, stacks: Array.from({ length: n }, (_, i) => `stack-${i}`) });
      const stacks = stacksOf(p);
      expect(stacks).toHaveLength(n);
      for (const stack of stacks) expect(stack.spec.config["telephony:maxRequestsPerSecond"]).toBe(share);
      for (const cronJob of cronJobsOf(p)) expect(envOf(driftContainer(cronJob)).TELEPHONY_MAX_RPS).toBe(share);
    },
  );

  it("writes a Stack as PKO v2 reads it: program, backend, inline settings, secrets by reference only, never destroyed", () => {
    const p = plan({
      stacks: ["acme-prod=acme", "globex-prod"],
      branch: "release",
      repoDir: "./infra/telephony/",
      apiUrl: "https://api.example.com",
      resync: "1h",
      image: "registry.example.com/telephony-workspace:1",
    });
    const [acme, globex] = stacksOf(p);
    const secret = (key: string) => ({ type: "Secret", secret: { name: "acme-prod-secrets", key } });
    expect(acme).toEqual({
      apiVersion: "pulumi.com/v1",
      kind: "Stack",
      metadata: {
        name: "acme-prod",
        labels: {
          "app.kubernetes.io/part-of": "telephony-config",
          "app.kubernetes.io/component": "stack",
          "app.kubernetes.io/instance": "acme-prod",
        },
      },
      spec: {
        stack: "acme-prod",
        projectRepo: "https://github.com/acme/telephony-infra.git",
        branch: "release",
        repoDir: "infra/telephony",
        backend: "s3://acme-pulumi-state",
        serviceAccountName: "telephony-config-workspace",
        config: { "telephony:apiUrl": "https://api.example.com", "telephony:orgHandle": "acme" },
        secretsRef: { "telephony:apiToken": secret("apiToken") },
        envRefs: { PULUMI_CONFIG_PASSPHRASE: secret("passphrase") },
        useLocalStackOnly: true,
        destroyOnFinalize: false,
        refresh: true,
        continueResyncOnCommitMatch: true,
        resyncFrequencySeconds: 3600,
        workspaceTemplate: { spec: { image: "registry.example.com/telephony-workspace:1" } },
      },
    });
    // Without =ORG the stack's own Pulumi.<stack>.yaml gives the handle; without --image, the pinned default,
    // never PKO's own (pulumi/pulumi:latest-nonroot, a tag that moves).
    expect(globex!.spec.config).toEqual({ "telephony:apiUrl": "https://api.example.com" });
    const pinned = stacksOf(plan({}));
    expect(pinned.length).toBeGreaterThan(0);
    for (const stack of pinned) expect(stack.spec.workspaceTemplate).toEqual({ spec: { image: DEFAULT_IMAGE } });
    // The comments say why for the fields that delete or change live configurations.
    const text = fileOf(p, "/stacks.yaml");
    expect(text).toMatch(
      /destroyOnFinalize: false, on purpose: deleting a Stack object .* must never run `pulumi destroy`/s,
    );
    expect(text).toMatch(
      /refresh: true .* PKO runs\n# `pulumi up --refresh` .* Reporting drift without changing anything is the drift\n# CronJobs' job/s,
    );
  });

  it("every Stack it writes fits the repository's schema of PKO's Stack (deploy/kubernetes/schemas), options or none", () => {
    const schema = JSON.parse(readFileSync(join(REPO, "deploy/kubernetes/schemas/pulumi.com/stack_v1.json"), "utf8"));
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const plans = [
      plan({}),
      plan({
        repo: "git@github.com:acme/infra.git",
        backend: "https://api.pulumi.com",
        stacks: ["organization/telephony/Acme_Prod=acme", "globex-dev"],
        branch: "refs/heads/release",
        repoDir: "infra",
        apiUrl: "https://unpod.dev",
        rateBudget: "3",
        namespace: "voice",
        image: "registry.example.com/ws:1",
        resync: "1m",
      }),
    ];
    for (const stack of plans.flatMap(stacksOf)) {
      expect(validate(stack), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("an http(s) backend (Pulumi Cloud or self-hosted) also takes PULUMI_ACCESS_TOKEN from the stack's Secret", () => {
    const p = plan({ backend: "https://api.pulumi.com" });
    const ref = { type: "Secret", secret: { name: "acme-prod-secrets", key: "pulumiAccessToken" } };
    expect(stacksOf(p)[0]!.spec.envRefs.PULUMI_ACCESS_TOKEN).toEqual(ref);
    expect(envOf(driftContainer(cronJobsOf(p)[0]!)).PULUMI_ACCESS_TOKEN).toEqual({
      secretKeyRef: { name: "acme-prod-secrets", key: "pulumiAccessToken" },
    });
    expect(p.secrets).toEqual([{ name: "acme-prod-secrets", keys: ["apiToken", "passphrase", "pulumiAccessToken"] }]);
    expect(plan({}).secrets).toEqual([{ name: "acme-prod-secrets", keys: ["apiToken", "passphrase"] }]);
  });

  it("writes a drift CronJob that clones, installs and runs drift --summary, reports and never retries", () => {
    const p = plan({ repoDir: "infra", apiUrl: "https://unpod.dev", rateBudget: "4", branch: "refs/heads/main" });
    const [cronJob] = cronJobsOf(p);
    expect(cronJob!.spec).toMatchObject({
      schedule: "23 4 * * *",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 5,
      jobTemplate: { spec: { backoffLimit: 0 } },
    });
    const pod = cronJob!.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const [clone, install] = pod.initContainers;
    expect(clone.command).toEqual([
      "git",
      "clone",
      "--depth=1",
      "--single-branch",
      "--branch",
      "main",
      "--",
      "https://github.com/acme/telephony-infra.git",
      "/workspace/repo",
    ]);
    expect(install).toMatchObject({
      workingDir: "/workspace/repo/infra",
      command: ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
    });
    const drift = driftContainer(cronJob!);
    // The form a test (or a person) takes to run it: command, then args, in the checkout's project directory.
    expect({ command: drift.command, args: drift.args }).toEqual(driftCommand("acme-prod"));
    expect(drift.workingDir).toBe("/workspace/repo/infra");
    expect(drift.image).toBe(DEFAULT_IMAGE);
    // The workspace pods' account (its workload identity reaches the backend), with no token mounted.
    expect(cronJob!.spec.jobTemplate.spec.template.spec).toMatchObject({
      serviceAccountName: "telephony-config-workspace",
      automountServiceAccountToken: false,
    });
    expect(envOf(drift)).toEqual({
      HOME: "/workspace/home",
      PULUMI_BACKEND_URL: "s3://acme-pulumi-state",
      PULUMI_CONFIG_PASSPHRASE: { secretKeyRef: { name: "acme-prod-secrets", key: "passphrase" } },
      TELEPHONY_API_TOKEN: { secretKeyRef: { name: "acme-prod-secrets", key: "apiToken" } },
      TELEPHONY_API_URL: "https://unpod.dev",
      TELEPHONY_ORG_HANDLE: "acme",
      TELEPHONY_MAX_RPS: "4",
    });
    expect(fileOf(p, "/drift-cronjobs.yaml")).toContain(`# The image: ${DEFAULT_IMAGE}`);
    // The workspace image holds npm's cache: with it, the same image everywhere.
    const withImage = cronJobsOf(plan({ image: "registry.example.com/ws:2" }))[0]!.spec.jobTemplate.spec.template.spec;
    for (const container of [...withImage.initContainers, ...withImage.containers])
      expect(container.image).toBe("registry.example.com/ws:2");
  });

  it("the default image is the workspace image's base (deploy/workspace-image/Dockerfile)", () => {
    const dockerfile = readFileSync(join(REPO, "deploy/workspace-image/Dockerfile"), "utf8");
    const arg = (name: string) => new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(dockerfile)?.[1];
    const from = /^FROM (\S+)$/m.exec(dockerfile)![1]!;
    expect(from.replace("${NODE_MAJOR}", arg("NODE_MAJOR")!).replace("${PULUMI_VERSION}", arg("PULUMI_VERSION")!)).toBe(
      DEFAULT_IMAGE,
    );
  });

  it("values that YAML would read as numbers, booleans or comments stay strings", () => {
    const p = plan({ stacks: ["prod=123", "dev=true", "qa=a#b"], apiUrl: "https://unpod.dev/#x" });
    expect(stacksOf(p).map((s) => s.spec.config["telephony:orgHandle"])).toEqual(["123", "true", "a#b"]);
    expect(cronJobsOf(p).map((c) => envOf(driftContainer(c)).TELEPHONY_ORG_HANDLE)).toEqual(["123", "true", "a#b"]);
    expect(stacksOf(p)[0]!.spec.config["telephony:apiUrl"]).toBe("https://unpod.dev/#x");
  });

  it("in another namespace, the overlay carries it into the base's names that hold it as text", () => {
    const kustomization = parse(fileOf(plan({ namespace: "voice" }), "/kustomization.yaml"));
    expect(kustomization.namespace).toBe("voice");
    expect(kustomization.resources).toEqual(["../../base", "stacks.yaml", "drift-cronjobs.yaml"]);
    expect(kustomization.replacements[0].targets).toEqual([
      {
        select: {
          kind: "ClusterRoleBinding",
          name: "telephony-config:telephony-config-workspace:system:auth-delegator",
        },
        fieldPaths: ["metadata.name"],
        options: { delimiter: ":", index: 0 },
      },
      {
        select: { kind: "PrometheusRule", name: "telephony-config-stacks" },
        fieldPaths: ["spec.groups.0.rules.0.expr"],
        options: { delimiter: '"', index: 1 },
      },
      {
        select: { kind: "PrometheusRule", name: "telephony-config-stacks" },
        fieldPaths: ["spec.groups.0.rules.0.expr"],
        options: { delimiter: '"', index: 3 },
      },
    ]);
    expect(parse(fileOf(plan({}), "/kustomization.yaml")).replacements).toBeUndefined();
  });

  const SECRET = "ghp_s3cr3tT0ken";
  it.each<[string, Partial<KubernetesOptions>, string]>([
    [
      "no --repo",
      { repo: undefined },
      "--repo GIT_URL is needed: the stack repository the Stacks run; nothing written",
    ],
    [
      "no --backend",
      { backend: undefined },
      "--backend URL is needed: the Pulumi backend that holds the stacks' state (e.g. s3://bucket); nothing written",
    ],
    ["no --stack", { stacks: [] }, "--stack NAME[=ORG] is needed, once per stack; nothing written"],
    [
      "a file:// backend",
      { backend: "file:///var/lib/pulumi" },
      "--backend file:///var/lib/pulumi: a file:// backend is one machine's disk, and each workspace pod and drift job has its own: use a backend they share (s3://, gs://, azblob://, https://); nothing written",
    ],
    [
      "a backend that is no URL",
      { backend: SECRET },
      "--backend: not a URL (not repeated: it may be a secret pasted in the wrong place); e.g. s3://bucket, gs://bucket, azblob://container, https://api.pulumi.com; nothing written",
    ],
    [
      "a repository URL with a token",
      { repo: `https://x-access-token:${SECRET}@github.com/acme/infra.git` },
      "--repo: the URL holds credentials (user info before '@'); nothing generated may hold a secret: give git credentials to the Stacks with a gitAuth Secret (README) instead; nothing written",
    ],
    [
      "a repository URL with a token as the user",
      { repo: `https://${SECRET}@github.com/acme/infra.git` },
      "--repo: the URL holds credentials (user info before '@'); nothing generated may hold a secret: give git credentials to the Stacks with a gitAuth Secret (README) instead; nothing written",
    ],
    [
      "a repository on this machine",
      { repo: "/home/me/infra" },
      "--repo /home/me/infra: a path on this machine is not there in the cluster: give a URL a pod can clone (https://…, ssh://…, git@host:path); nothing written",
    ],
    [
      "a stack name Pulumi refuses",
      { stacks: ["acme prod"] },
      "--stack acme prod: acme prod is not a Pulumi stack name (1 to 100 letters, digits, '-', '_' or '.', optionally qualified as org/stack or org/project/stack); nothing written",
    ],
    [
      "an empty org handle",
      { stacks: ["acme-prod="] },
      "--stack acme-prod=: the org handle after '=' is empty (give NAME=ORG, or NAME alone when the stack's own config sets telephony:orgHandle); nothing written",
    ],
    [
      "an org handle with a space",
      { stacks: ["acme-prod=ac me"] },
      '--stack acme-prod=ac me: the org handle "ac me" must be printable ASCII without spaces (it is sent as the Org-Handle header); nothing written',
    ],
    [
      "an org handle with a terminal escape",
      { stacks: ["acme-prod=acme\u001b[31m"] },
      '--stack acme-prod=acme\\u001b[31m: the org handle "acme\\u001b[31m" must be printable ASCII without spaces (it is sent as the Org-Handle header); nothing written',
    ],
    [
      "a name that starts with a digit",
      { stacks: ["42-prod"] },
      "--stack 42-prod: the Kubernetes name made from 42-prod must start with a letter (PKO names the workspace's Service after the Stack, and a Service's name starts with a letter); nothing written",
    ],
    [
      "a name of 43 characters",
      { stacks: [`a${"b".repeat(42)}`] },
      `--stack a${"b".repeat(42)}: its Kubernetes name a${"b".repeat(42)} has 43 characters; PKO allows a Stack at most 42 (a rule of its CRD): use a shorter stack name; nothing written`,
    ],
    [
      "a stack given twice",
      { stacks: ["acme-prod", "acme-prod=acme"] },
      "--stack acme-prod is given twice: one Stack per Pulumi stack; nothing written",
    ],
    [
      "two stacks that make one name",
      { stacks: ["Acme_Prod", "org/proj/acme.prod"] },
      "--stack Acme_Prod and --stack org/proj/acme.prod both make the Kubernetes name acme-prod: each stack needs its own Stack, CronJob and Secret; rename one of the stacks; nothing written",
    ],
    [
      "an API URL that is not http(s)",
      { apiUrl: "ftp://unpod.dev" },
      "--api-url ftp://unpod.dev: not an http:// or https:// URL (e.g. https://unpod.dev); nothing written",
    ],
    [
      "a budget that is no number",
      { rateBudget: "ten" },
      "--rate-budget ten: not a positive number of requests per second (e.g. 10); nothing written",
    ],
    [
      "a budget too small to share",
      { rateBudget: "0.5", stacks: ["a1", "a2", "a3", "a4", "a5", "a6"] },
      "--rate-budget 0.5: a budget of 0.5 requests per second across 6 stacks at once leaves each 0.08, under 0.1: run fewer stacks at once or raise the budget; nothing written",
    ],
    [
      "a resync under a minute",
      { resync: "30s" },
      "--resync 30s: PKO resyncs a Stack at most once a minute (it takes less as 60s): give 60s or more; nothing written",
    ],
    [
      "a resync that is no duration",
      { resync: "soon" },
      "--resync soon: not a duration (e.g. 10m, 1h, 90s); nothing written",
    ],
    [
      "a schedule with a time zone",
      { driftSchedule: "CRON_TZ=Europe/Berlin 0 4 * * *" },
      `--drift-schedule "CRON_TZ=Europe/Berlin 0 4 * * *": not a cron schedule of five fields (minute hour day-of-month month day-of-week, in UTC; e.g. "23 4 * * *"); the CronJob's time zone is UTC, without a TZ= prefix; nothing written`,
    ],
    [
      "a namespace with capitals",
      { namespace: "Telephony" },
      "--namespace Telephony: not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63); nothing written",
    ],
    [
      "an overlay outside overlays/",
      { overlay: "../x" },
      "--overlay ../x: name the overlay's directory with lowercase letters, digits and '-' (e.g. production); nothing written",
    ],
    [
      "an image reference with capitals",
      { image: "Registry/Image:1" },
      "--image Registry/Image:1: not a container image reference (e.g. registry.example.com/telephony-workspace:1); nothing written",
    ],
    [
      "a branch that looks like an option",
      { branch: "-x" },
      "--branch -x: not a branch name (e.g. main); nothing written",
    ],
    [
      "a project directory outside the repository",
      { repoDir: "../outside" },
      "--repo-dir ../outside: give the directory of Pulumi.yaml relative to the repository's root, inside it (e.g. infra/telephony); nothing written",
    ],
    [
      "a repository URL with a token in its query",
      { repo: `https://github.com/acme/infra.git?access_token=${SECRET}` },
      "--repo: the URL's query has access_token=…, which looks like a credential; nothing generated may hold a secret: give git credentials to the Stacks with a gitAuth Secret (README) instead; nothing written",
    ],
    [
      "a backend URL with a key in its query",
      { backend: `s3://state?region=eu-west-1&secret_access_key=${SECRET}` },
      "--backend: the URL's query has secret_access_key=…, which looks like a credential; nothing generated may hold a secret: give them to the pods from a Secret instead; nothing written",
    ],
    [
      "a repository URL with a newline, which a URL parser drops (the rest would be YAML of kustomization.yaml)",
      { repo: "https://github.com/acme/infra.git\npatches:\n  - target: {kind: Stack}\n#" },
      "--repo: the value holds a control character (a newline, a tab, an escape), which no URL, name, number or schedule has (not repeated: it may be a secret pasted in the wrong place); nothing written",
    ],
    [
      "an API URL with a newline",
      { apiUrl: "https://unpod.dev/\nnamePrefix: evil-" },
      "--api-url: the value holds a control character (a newline, a tab, an escape), which no URL, name, number or schedule has (not repeated: it may be a secret pasted in the wrong place); nothing written",
    ],
    [
      "a rate budget with a newline, which Number() reads as a number",
      { rateBudget: "\n10" },
      "--rate-budget: the value holds a control character (a newline, a tab, an escape), which no URL, name, number or schedule has (not repeated: it may be a secret pasted in the wrong place); nothing written",
    ],
    [
      "a schedule split by a newline",
      { driftSchedule: "23\n4 * * *" },
      "--drift-schedule: the value holds a control character (a newline, a tab, an escape), which no URL, name, number or schedule has (not repeated: it may be a secret pasted in the wrong place); nothing written",
    ],
  ])("refuses %s, saying which value and why", (_what, options, message) => {
    const said = refusal(options);
    expect(said).toBe(message);
    expect(said).not.toContain(SECRET);
  });

  it("says every problem at once", () => {
    expect(refusal({ repo: undefined, backend: "file:///x", resync: "5s" })).toBe(
      [
        "3 problems, nothing written:",
        "  --repo GIT_URL is needed: the stack repository the Stacks run",
        "  --backend file:///x: a file:// backend is one machine's disk, and each workspace pod and drift job has its own: use a backend they share (s3://, gs://, azblob://, https://)",
        "  --resync 5s: PKO resyncs a Stack at most once a minute (it takes less as 60s): give 60s or more",
      ].join("\n"),
    );
  });

  it("accepts the forms of repository, backend and schedule that pods use", () => {
    for (const repo of [
      "git@github.com:acme/infra.git",
      "ssh://git@github.com/acme/infra.git",
      "http://git.internal/infra.git",
    ])
      expect(stacksOf(plan({ repo }))[0]!.spec.projectRepo).toBe(repo);
    for (const backend of ["gs://bucket/prefix", "azblob://container", "s3://bucket?region=eu-west-1&awssdk=v2"])
      expect(stacksOf(plan({ backend }))[0]!.spec.backend).toBe(backend);
    for (const driftSchedule of ["*/30 * * * *", "0 3 * * mon-fri", "@daily", "5 0,12 1-7 * *"])
      expect(cronJobsOf(plan({ driftSchedule }))[0]!.spec.schedule).toBe(driftSchedule);
  });
});

// --- Overlays that already exist in DIR (they may be live) ---

describe("init --kubernetes over overlays already in DIR", () => {
  /** The overlays a first run made, as the runner reads them back. */
  const existing = (overlay: string, options: Partial<KubernetesOptions>): ExistingOverlay => {
    const p = plan({ ...options, overlay });
    return { overlay, namespace: p.input.namespace, stacksText: fileOf(p, "/stacks.yaml") };
  };
  const before = existing("stacks", { stacks: ["acme-prod=acme", "globex-prod=globex"], apiUrl: "https://unpod.dev" });
  const findings = (options: Partial<KubernetesOptions>, overlays = [before]) =>
    existingOverlayFindings(plan({ overlay: "stacks", apiUrl: "https://unpod.dev", ...options }), overlays);
  const rerun =
    ". If the stack is to move, preview it with the new setting first (pulumi preview), then delete its Stack from overlays/stacks/stacks.yaml and run this again";

  it.each<[string, Partial<KubernetesOptions>, ExistingOverlay[] | undefined, string[]]>([
    ["the same stacks again", { stacks: ["acme-prod=acme", "globex-prod=globex"] }, undefined, []],
    ["one more stack", { stacks: ["acme-prod=acme", "globex-prod=globex", "initech=initech"] }, undefined, []],
    [
      "a stack moved to another organization",
      { stacks: ["acme-prod=acme-corp", "globex-prod=globex"] },
      undefined,
      [
        `--stack acme-prod=acme-corp: overlays/stacks/stacks.yaml runs acme-prod in organization acme (telephony:orgHandle); with organization acme-corp, PKO's next resync would replace every configuration of the stack, without a preview: each created anew there, then deleted where it is${rerun}`,
      ],
    ],
    [
      "a stack's organization left to its own config",
      { stacks: ["acme-prod", "globex-prod=globex"] },
      undefined,
      [
        `--stack acme-prod: overlays/stacks/stacks.yaml runs acme-prod in organization acme (telephony:orgHandle); with the organization its Pulumi.acme-prod.yaml names, PKO's next resync would replace every configuration of the stack (unless the two are one), without a preview: each created anew there, then deleted where it is${rerun}`,
      ],
    ],
    [
      "another API",
      { stacks: ["acme-prod=acme"], apiUrl: "https://other.example" },
      undefined,
      [
        `--api-url https://other.example: overlays/stacks/stacks.yaml runs acme-prod at https://unpod.dev (telephony:apiUrl); its configurations are recorded at that API, and at another every update of the stack would be refused${rerun}`,
      ],
    ],
    [
      "another backend",
      { stacks: ["acme-prod=acme"], backend: "s3://other-state" },
      undefined,
      [
        `--backend s3://other-state: overlays/stacks/stacks.yaml runs acme-prod from the state in s3://acme-pulumi-state; with another backend the Stack acme-prod would run another state${rerun}`,
      ],
    ],
    [
      "a stack that another overlay runs (qualified here, not there)",
      { overlay: "prod", namespace: "prod", stacks: ["organization/telephony/acme-prod=acme"] },
      undefined,
      [
        "--stack organization/telephony/acme-prod: overlays/stacks/stacks.yaml runs it already (its Stack acme-prod, on s3://acme-pulumi-state); two Stacks of one Pulumi stack would take turns running up, each with its own settings and Secret (with another organization, each turn would replace every configuration): keep it in one overlay",
      ],
    ],
    [
      "another stack of the same name in another overlay of the same namespace",
      { overlay: "prod", stacks: ["globex/telephony/acme-prod=globex"] },
      [existing("stacks", { stacks: ["acme/telephony/acme-prod=acme"] })],
      [
        "--stack globex/telephony/acme-prod: overlays/stacks/stacks.yaml has a Stack acme-prod in the namespace telephony-config too: one overlay would overwrite the other's Stack and drift CronJob, and both would read the Secret acme-prod-secrets (one stack with the other's token): give this overlay another --namespace, or rename a stack",
      ],
    ],
    [
      "another stack of the same name in another namespace, or on another backend",
      { overlay: "prod", namespace: "prod", stacks: ["globex/telephony/acme-prod=globex"] },
      [existing("stacks", { stacks: ["acme/telephony/acme-prod=acme"] }), existing("other", { backend: "gs://x" })],
      [],
    ],
  ])("%s", (_what, options, overlays, problems) => {
    expect(findings(options, overlays).problems).toEqual(problems);
  });

  it.each<[string, Partial<KubernetesOptions>, string, string[]]>([
    ["the file's organization given again", { stacks: ["acme-prod=acme"] }, "telephony:orgHandle: acme", []],
    ["no organization given: the file's is used", { stacks: ["acme-prod"] }, "telephony:orgHandle: acme", []],
    [
      "another organization than the file's",
      { stacks: ["acme-prod=acme-corp"] },
      "telephony:orgHandle: acme",
      [
        "--stack acme-prod=acme-corp: Pulumi.acme-prod.yaml sets telephony:orgHandle acme. PKO sets the inline value over the file, so the Stack would run in acme-corp (a stack that has run in acme would have every configuration replaced: created anew in acme-corp, deleted in acme), while the drift job, which reads the file first, would check acme: give --stack acme-prod=acme, or --stack acme-prod alone to use the file's",
      ],
    ],
    [
      "another API than the file's",
      { apiUrl: "https://other.example" },
      "telephony:apiUrl: https://unpod.dev",
      [
        "--api-url https://other.example: Pulumi.acme-prod.yaml sets telephony:apiUrl https://unpod.dev. PKO sets the inline value over the file, and the drift job reads the file first: the Stack would run at one API and its drift job check another. Give the file's URL, or no --api-url",
      ],
    ],
    [
      "a budget while the file sets the stack's rate",
      { rateBudget: "10" },
      "telephony:maxRequestsPerSecond: 5",
      [
        "--rate-budget: Pulumi.acme-prod.yaml sets telephony:maxRequestsPerSecond, which the drift job reads first: it would not keep to its share (10). Remove the key from the file, or give no --rate-budget",
      ],
    ],
    [
      "the API token committed, encrypted",
      {},
      "telephony:apiToken:\n    secure: v1:AAAA",
      [
        "--stack acme-prod: Pulumi.acme-prod.yaml sets telephony:apiToken, which the drift job reads first: it would use that token, not the Secret's apiToken that PKO gives the Stack, so a token rotated or revoked in the Secret would never reach the drift job. Once the Secret holds the token, remove it from the file (pulumi config rm telephony:apiToken --stack acme-prod) and commit that; a CI job that runs the stack then needs TELEPHONY_API_TOKEN from its own secrets",
      ],
    ],
  ])("a committed Pulumi.<stack>.yaml: %s", (_what, options, line, problems) => {
    const committed = [{ stack: "acme-prod", file: "Pulumi.acme-prod.yaml", text: `config:\n  ${line}\n` }];
    expect(committedConfigProblems(plan(options), committed)).toEqual(problems);
  });

  it("an overlay's kustomization.yaml with more than the generator writes is refused, not dropped by --force", () => {
    const generated = (options: Partial<KubernetesOptions>) => fileOf(plan(options), "/kustomization.yaml");
    expect(kustomizationEditsProblem("stacks", generated({}))).toBeUndefined();
    expect(kustomizationEditsProblem("stacks", generated({ namespace: "other-ns" }))).toBeUndefined();
    const gitAuth =
      'patches:\n  - target: {kind: Stack}\n    patch: \'[{"op":"add","path":"/spec/gitAuth","value":{}}]\'\n';
    expect(kustomizationEditsProblem("stacks", generated({}) + gitAuth)).toBe(
      "overlays/stacks/kustomization.yaml holds what the generator never writes (patches), which writing it again would drop: move it to an overlay of your own whose resources: name ../stacks, then run this again",
    );
    expect(
      kustomizationEditsProblem(
        "stacks",
        generated({}).replace("  - drift-cronjobs.yaml\n", "$&  - git-secret.yaml\n"),
      ),
    ).toBe(
      "overlays/stacks/kustomization.yaml holds what the generator never writes (resources: git-secret.yaml), which writing it again would drop: move it to an overlay of your own whose resources: name ../stacks, then run this again",
    );
  });

  it("names how the program's source of the Stacks kept would change", () => {
    expect(findings({ branch: "release", repoDir: "infra" }).sourceChanges).toEqual([
      "--branch main → release",
      "--repo-dir (the root) → infra",
    ]);
    expect(findings({ stacks: ["acme-prod=acme"] }).sourceChanges).toEqual([]);
  });

  it("names the stacks a run leaves out of its overlay", () => {
    expect(findings({ stacks: ["acme-prod=acme"] }).dropped.map((stack) => stack.stack)).toEqual(["globex-prod"]);
    expect(findings({ overlay: "prod", namespace: "prod", stacks: ["initech=x"] }).dropped).toEqual([]);
  });
});

// --- The CLI, through the built binary ---

const ARGS = [
  "--repo",
  "https://github.com/acme/telephony-infra.git",
  "--backend",
  "s3://acme-pulumi-state",
  "--stack",
  "acme-prod=acme",
  "--stack",
  "globex-prod=globex",
];

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe("telephony-config init --kubernetes", () => {
  it("writes base/ as the package's and the overlay, names each file and the Secrets to create", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "kube-init-"));
    const result = await runCli(["init", "--kubernetes", ...ARGS, "--rate-budget", "10"], { cwd });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const dir = join(cwd, "deploy/kubernetes");
    const base = listFiles(join(REPO, "deploy/kubernetes/base"));
    expect(listFiles(dir)).toEqual(
      [
        ...base.map((f) => `base/${f}`),
        "overlays/stacks/drift-cronjobs.yaml",
        "overlays/stacks/kustomization.yaml",
        "overlays/stacks/stacks.yaml",
      ].sort(),
    );
    for (const file of base)
      expect(readFileSync(join(dir, "base", file), "utf8"), file).toBe(
        readFileSync(join(REPO, "deploy/kubernetes/base", file), "utf8"),
      );
    expect(result.stdout).toContain(`Wrote the Kubernetes manifests for 2 stacks in ${dir}:\n`);
    expect(result.stdout).toContain("  overlays/stacks/stacks.yaml (2 Stacks)\n");
    expect(result.stdout).toContain(
      "  kubectl create secret generic acme-prod-secrets --namespace telephony-config --from-file=apiToken=acme-prod.apiToken --from-file=passphrase=acme-prod.passphrase\n",
    );
    expect(result.stdout).toContain("  kubectl apply -k deploy/kubernetes/overlays/stacks\n");
    expect(result.stdout).toContain(
      "\nCommit each stack's Pulumi.<stack>.yaml to the stack repository with its telephony:productId: the Stacks and the drift jobs read it there. PKO never creates a stack (useLocalStackOnly): each must exist in the backend already (pulumi stack init, once).\n",
    );

    // Again, the same: nothing changes, nothing needs --force.
    const again = await runCli(["init", "--kubernetes", ...ARGS, "--rate-budget", "10"], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("  overlays/stacks/stacks.yaml (unchanged)\n");

    // Another budget changes the Stacks: refused without --force, naming the files; nothing written.
    const before = readFileSync(join(dir, "overlays/stacks/stacks.yaml"), "utf8");
    const refused = await runCli(["init", "--kubernetes", ...ARGS, "--rate-budget", "20"], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `telephony-config: ${join(dir, "overlays/stacks/kustomization.yaml")}, ${join(dir, "overlays/stacks/stacks.yaml")}, ${join(dir, "overlays/stacks/drift-cronjobs.yaml")} exist with other content; pass --force to overwrite (nothing written)\n`,
    );
    expect(readFileSync(join(dir, "overlays/stacks/stacks.yaml"), "utf8")).toBe(before);
    const forced = await runCli(["init", "--kubernetes", ...ARGS, "--rate-budget", "20", "--force"], { cwd });
    expect(forced.code).toBe(0);
    expect(
      parse(readFileSync(join(dir, "overlays/stacks/stacks.yaml"), "utf8").split("---\n")[1]!).spec.config,
    ).toEqual({
      "telephony:orgHandle": "acme",
      "telephony:maxRequestsPerSecond": "10",
    });
  });

  it("refuses, even with --force, to move a stack of an existing overlay to another organization or drop the user's patches; notes a stack left out", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "kube-init-"));
    expect((await runCli(["init", "--kubernetes", ...ARGS], { cwd })).code).toBe(0);
    const stacksYaml = join(cwd, "deploy/kubernetes/overlays/stacks/stacks.yaml");
    const before = readFileSync(stacksYaml, "utf8");
    const moved = ARGS.map((arg) => (arg === "acme-prod=acme" ? "acme-prod=acme-corp" : arg));
    const refused = await runCli(["init", "--kubernetes", ...moved, "--force"], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      "telephony-config: --stack acme-prod=acme-corp: overlays/stacks/stacks.yaml runs acme-prod in organization acme (telephony:orgHandle); with organization acme-corp, PKO's next resync would replace every configuration of the stack, without a preview: each created anew there, then deleted where it is. If the stack is to move, preview it with the new setting first (pulumi preview), then delete its Stack from overlays/stacks/stacks.yaml and run this again; nothing written\n",
    );
    expect(readFileSync(stacksYaml, "utf8")).toBe(before);

    // A patch of the user's in the overlay's kustomization.yaml (the README's gitAuth) is not dropped by --force.
    const kustomization = join(cwd, "deploy/kubernetes/overlays/stacks/kustomization.yaml");
    const generated = readFileSync(kustomization, "utf8");
    writeFileSync(kustomization, `${generated}patches:\n  - path: git-auth.yaml\n`);
    const kept = await runCli(["init", "--kubernetes", ...ARGS, "--stack", "initech=initech", "--force"], { cwd });
    expect(kept.code).toBe(1);
    expect(kept.stderr).toBe(
      "telephony-config: overlays/stacks/kustomization.yaml holds what the generator never writes (patches), which writing it again would drop: move it to an overlay of your own whose resources: name ../stacks, then run this again; nothing written\n",
    );
    expect(readFileSync(stacksYaml, "utf8")).toBe(before);
    writeFileSync(kustomization, generated);

    const fewer = await runCli(["init", "--kubernetes", ...ARGS.slice(0, -2), "--branch", "release", "--force"], {
      cwd,
    });
    expect(fewer.code).toBe(0);
    expect(fewer.stdout).toContain(
      "\nChanged for the Stacks already in this overlay: --branch main → release. Once applied, PKO runs the program from there at its next resync, without a preview: a configuration not declared there is deleted. Preview each stack from there first (pulumi preview).\n",
    );
    expect(fewer.stdout).toContain(
      "\nNo longer in this overlay: globex-prod (globex-prod). Applied with pruning (kubectl apply --prune, Argo CD, Flux), its Stack and drift CronJob go and PKO stops running it; nothing is destroyed (destroyOnFinalize: false): the configurations, the state and the Secrets stay. Without pruning the objects stay and keep running: delete them yourself.\n",
    );
  });

  it("run in the stack repository, refuses an organization other than the one its Pulumi.<stack>.yaml sets", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "kube-init-"));
    writeFileSync(join(cwd, "Pulumi.yaml"), "name: telephony\nruntime: nodejs\n");
    writeFileSync(join(cwd, "Pulumi.acme-prod.yaml"), "config:\n  telephony:orgHandle: acme-old\n");
    const refused = await runCli(["init", "--kubernetes", ...ARGS], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^telephony-config: --stack acme-prod=acme: Pulumi\.acme-prod\.yaml sets telephony:orgHandle acme-old\. PKO sets the inline value over the file/,
    );
    expect(listFiles(cwd)).toEqual(["Pulumi.acme-prod.yaml", "Pulumi.yaml"]);
  });

  it("run in the stack repository, finds a committed token in the project's config and in its stackConfigDir", async () => {
    for (const [projectYaml, stackFile] of [
      ["name: telephony\nruntime: nodejs\nconfig:\n  telephony:apiToken: plain-token-value\n", undefined],
      ["name: telephony\nruntime: nodejs\nstackConfigDir: cfg\n", "cfg/Pulumi.acme-prod.yaml"],
    ] as const) {
      const cwd = mkdtempSync(join(tmpdir(), "kube-init-"));
      writeFileSync(join(cwd, "Pulumi.yaml"), projectYaml);
      if (stackFile) {
        mkdirSync(join(cwd, "cfg"));
        writeFileSync(join(cwd, stackFile), "config:\n  telephony:apiToken:\n    secure: v1:AAAA\n");
      }
      const refused = await runCli(["init", "--kubernetes", ...ARGS], { cwd });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `--stack acme-prod: ${stackFile ?? "Pulumi.yaml"} sets telephony:apiToken, which the drift job reads first`,
      );
      expect(refused.stderr).toContain(
        stackFile ? "(pulumi config rm telephony:apiToken --stack acme-prod)" : "(from its config: block)",
      );
      expect(refused.stderr).not.toContain("plain-token-value");
      expect(existsSync(join(cwd, "deploy"))).toBe(false);
    }
  });

  it("writes into DIR and the --overlay named; a file in the way of a directory is refused", async () => {
    const root = mkdtempSync(join(tmpdir(), "kube-init-"));
    const result = await runCli(["init", "--kubernetes", join(root, "k8s"), "--overlay", "production", ...ARGS]);
    expect(result.code).toBe(0);
    expect(existsSync(join(root, "k8s/overlays/production/kustomization.yaml"))).toBe(true);

    const blocked = mkdtempSync(join(tmpdir(), "kube-init-"));
    writeFileSync(join(blocked, "overlays"), "a file where a directory goes");
    const inTheWay = await runCli(["init", "--kubernetes", blocked, ...ARGS]);
    expect(inTheWay.code).toBe(1);
    expect(inTheWay.stderr).toBe(
      `telephony-config: ${join(blocked, "overlays")} is in the way: a directory is needed there; nothing written\n`,
    );
    expect(listFiles(blocked)).toEqual(["overlays"]);
  });

  it.each<[string, string[], string]>([
    [
      "no --repo",
      ["--backend", "s3://b", "--stack", "a"],
      "telephony-config: --repo GIT_URL is needed: the stack repository the Stacks run; nothing written\n",
    ],
    [
      "a stack too long for PKO",
      [...ARGS, "--stack", `a${"b".repeat(42)}`],
      `telephony-config: --stack a${"b".repeat(42)}: its Kubernetes name a${"b".repeat(42)} has 43 characters; PKO allows a Stack at most 42 (a rule of its CRD): use a shorter stack name; nothing written\n`,
    ],
    [
      "--org",
      [...ARGS, "--org", "acme"],
      "telephony-config: --org is not an option of init --kubernetes: give each stack's org handle as --stack NAME=ORG\n",
    ],
    [
      "--language",
      [...ARGS, "--language", "yaml"],
      "telephony-config: --language is not an option of init --kubernetes, which writes manifests, not a stack repository\n",
    ],
    [
      "a misspelt option",
      [...ARGS, "--rate-budgte", "10"],
      "telephony-config init: unknown option --rate-budgte (did you mean --rate-budget?)\nRun 'telephony-config init --help' for its options.\n",
    ],
    [
      "another misspelt option",
      [...ARGS, "--drift-schedul", "@daily"],
      "telephony-config init: unknown option --drift-schedul (did you mean --drift-schedule?)\nRun 'telephony-config init --help' for its options.\n",
    ],
  ])("refuses %s and writes nothing", async (_what, args, stderr) => {
    const cwd = mkdtempSync(join(tmpdir(), "kube-init-"));
    const result = await runCli(["init", "--kubernetes", ...args], { cwd });
    expect(result.stderr).toBe(stderr);
    expect(result.code).toBe(1);
    expect(listFiles(cwd)).toEqual([]);
  });

  it("its options without --kubernetes are refused, not a stack repository written", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "kube-init-"));
    const result = await runCli(["init", "--repo", "https://github.com/acme/infra.git"], { cwd });
    expect(result.stderr).toBe("telephony-config: --repo is an option of init --kubernetes\n");
    expect(result.code).toBe(1);
    expect(listFiles(cwd)).toEqual([]);
  });

  it("--help names every option of --kubernetes", async () => {
    const help = (await runCli(["init", "--help"])).stdout;
    for (const option of [
      "--kubernetes",
      "--repo",
      "--backend",
      "--stack NAME[=ORG]",
      "--branch",
      "--repo-dir",
      "--rate-budget",
      "--namespace",
      "--image",
      "--resync",
      "--drift-schedule",
      "--overlay",
    ])
      expect(help).toContain(option);
    expect(help).toMatch(/\n {2}npx telephony-config init --kubernetes --repo /);
  });
});

// --- The committed example ---

/** How deploy/kubernetes/overlays/example is made: run this with DIR deploy/kubernetes and --force to update it. */
const EXAMPLE = [
  "--overlay",
  "example",
  "--repo",
  "https://github.com/acme/telephony-infra.git",
  "--backend",
  "s3://acme-pulumi-state",
  "--stack",
  "acme-dev=acme-dev",
  "--stack",
  "acme-prod=acme",
  "--stack",
  "globex-prod=globex",
  "--api-url",
  "https://unpod.dev",
  "--rate-budget",
  "10",
  "--image",
  "registry.example.com/telephony-workspace:0.1.0",
];

it("deploy/kubernetes/overlays/example is what init --kubernetes writes (node bin/telephony-config.js init --kubernetes deploy/kubernetes <EXAMPLE> --force)", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "kube-example-")), "kubernetes");
  mkdirSync(dir);
  const result = await runCli(["init", "--kubernetes", dir, ...EXAMPLE]);
  expect(result.code).toBe(0);
  const committed = join(REPO, "deploy/kubernetes");
  const written = listFiles(dir);
  expect(written.filter((f) => f.startsWith("overlays/"))).toEqual(
    listFiles(join(committed, "overlays/example")).map((f) => `overlays/example/${f}`),
  );
  for (const file of written)
    expect(readFileSync(join(committed, file), "utf8"), file).toBe(readFileSync(join(dir, file), "utf8"));
  // Three stacks share the budget of 10.
  expect(
    readFileSync(join(committed, "overlays/example/stacks.yaml"), "utf8").match(/maxRequestsPerSecond: "3.33"/g),
  ).toHaveLength(3);
});
