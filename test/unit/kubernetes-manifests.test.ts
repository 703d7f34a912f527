// deploy/kubernetes: kustomize builds the base and every overlay, and kubeconform -strict accepts every manifest
// the repo ships and every one `init --kubernetes` writes, against Kubernetes' JSON Schemas and ours for PKO's
// Stack and the PrometheusRule. The negative cases prove the validation can fail, for the reason named.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { kubeconform, kustomizeBuild, type Validation } from "../helpers/kube.js";
import { runCli } from "../helpers/cli.js";
import { REPO } from "../helpers/project.js";

const DEPLOY = join(REPO, "deploy");
const BASE = join(DEPLOY, "kubernetes/base");
const OVERLAYS = join(DEPLOY, "kubernetes/overlays");
// Kustomize reads a kustomization.yaml (and refuses unknown fields in it) when it builds; it is no Kubernetes object.
const isKustomization = (file: string) => /(^|\/)kustomization\.ya?ml$/.test(file);

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function overlays(root = OVERLAYS): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, entry.name));
}

type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
} & Record<string, unknown>;
function objects(yaml: string): KubeObject[] {
  return parseAllDocuments(yaml)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

/** Every resource valid, none skipped or missing its schema: kubeconform's exit code alone would allow a skip. */
function expectAllValid(result: Validation, what: string): void {
  const bad = result.resources.filter((resource) => resource.status !== "statusValid");
  expect(bad, `${what}:\n${result.output}`).toEqual([]);
  expect(result.summary.skipped, what).toBe(0);
  expect(result.resources.length, what).toBeGreaterThan(0);
  expect(result.code, what).toBe(0);
}

const relativeToRepo = (path: string) => relative(REPO, path);

describe("deploy/kubernetes as shipped", () => {
  const dirs = [BASE, ...overlays()];

  it.each(dirs.map(relativeToRepo))("kustomize builds %s, and kubeconform -strict accepts the result", async (dir) => {
    const built = await kustomizeBuild(join(REPO, dir));
    expectAllValid(await kubeconform({ yaml: built }), `kustomize build ${dir}`);
  });

  it("kubeconform -strict accepts every YAML file under deploy/ (kustomization.yaml aside)", async () => {
    const files = yamlFiles(DEPLOY).filter((file) => !isKustomization(file));
    expect(files.map(relativeToRepo)).toEqual(
      expect.arrayContaining([
        "deploy/kubernetes/base/namespace.yaml",
        "deploy/kubernetes/base/workspace-rbac.yaml",
        "deploy/kubernetes/base/prometheus-rule.yaml",
      ]),
    );
    const result = await kubeconform({ files });
    expectAllValid(result, files.join(", "));
    // Each file was read: one verdict or more per file.
    expect(new Set(result.resources.map((resource) => resource.filename))).toEqual(new Set(files));
  });

  it("the base: the workspace account is bound to system:auth-delegator; the alert watches stacks_failing here", async () => {
    const built = objects(await kustomizeBuild(BASE));
    expect(built.map((object) => object.kind).sort()).toEqual([
      "ClusterRoleBinding",
      "Namespace",
      "PrometheusRule",
      "ServiceAccount",
    ]);
    const account = built.find((object) => object.kind === "ServiceAccount")!;
    const binding = built.find((object) => object.kind === "ClusterRoleBinding")!;
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "system:auth-delegator",
    });
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: account.metadata.name, namespace: account.metadata.namespace },
    ]);
    const rule = built.find((object) => object.kind === "PrometheusRule")!;
    expect(JSON.stringify(rule.spec)).toContain('stacks_failing{namespace=\\"telephony-config\\"}');
    expect(JSON.stringify(rule.spec)).toContain('stacks_failing{exported_namespace=\\"telephony-config\\"}');
  });

  it.each(overlays().map(relativeToRepo))(
    "in %s every Stack runs as a ServiceAccount of its namespace that is bound to system:auth-delegator",
    async (dir) => {
      const built = objects(await kustomizeBuild(join(REPO, dir)));
      const stacks = built.filter((object) => object.kind === "Stack");
      expect(stacks.length).toBeGreaterThan(0);
      for (const stack of stacks) {
        const account = (stack.spec as { serviceAccountName: string }).serviceAccountName;
        const namespace = stack.metadata.namespace;
        const what = `Stack ${stack.metadata.name}: ${account} in ${namespace}`;
        expect(
          built.some(
            (o) => o.kind === "ServiceAccount" && o.metadata.name === account && o.metadata.namespace === namespace,
          ),
          what,
        ).toBe(true);
        expect(
          built.some(
            (o) =>
              o.kind === "ClusterRoleBinding" &&
              (o.roleRef as { name: string }).name === "system:auth-delegator" &&
              (o.subjects as Array<{ kind: string; name: string; namespace: string }>).some(
                (s) => s.kind === "ServiceAccount" && s.name === account && s.namespace === namespace,
              ),
          ),
          what,
        ).toBe(true);
      }
    },
  );

  it("an overlay in another namespace, with the replacements base/kustomization.yaml gives, leaves no old namespace", async () => {
    // The replacements are those of the comment, so that the comment stays true.
    const comment = readFileSync(join(BASE, "kustomization.yaml"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("#   "))
      .map((line) => line.slice(4))
      .join("\n");
    expect(comment).toMatch(/^replacements:/);
    const root = temp("kube-overlay-");
    const overlay = join(root, "overlays/team-b");
    mkdirSync(overlay, { recursive: true });
    writeFileSync(
      join(overlay, "kustomization.yaml"),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: team-b\nresources:\n  - ${relative(overlay, BASE)}\n${comment}\n`,
    );
    const built = await kustomizeBuild(overlay);
    expectAllValid(await kubeconform({ yaml: built }), "overlay in namespace team-b");
    const moved = objects(built);
    expect(moved.find((object) => object.kind === "Namespace")!.metadata.name).toBe("team-b");
    expect(moved.find((object) => object.kind === "ClusterRoleBinding")!.metadata.name).toBe(
      "team-b:telephony-config-workspace:system:auth-delegator",
    );
    // Only the part-of label still says telephony-config.
    const withoutLabels = moved.map(({ metadata: { labels: _labels, ...metadata }, ...object }) => ({
      ...object,
      metadata,
    }));
    expect(stringify(withoutLabels)).not.toMatch(/telephony-config"|namespace: telephony-config|^telephony-config:/m);
  });
});

// A Stack as the generator writes one; each negative case changes one thing.
const stack = {
  apiVersion: "pulumi.com/v1",
  kind: "Stack",
  metadata: { name: "org-a-prod", namespace: "telephony-config" },
  spec: {
    serviceAccountName: "telephony-config-workspace",
    stack: "prod",
    projectRepo: "https://git.example.com/platform/telephony.git",
    branch: "main",
    repoDir: "stacks/telephony",
    backend: "s3://state-bucket",
    config: { "telephony:orgHandle": "org-a", "telephony:maxRequestsPerSecond": "5" },
    secretsRef: { "telephony:apiToken": { type: "Secret", secret: { name: "telephony-api", key: "token" } } },
    envRefs: {
      PULUMI_CONFIG_PASSPHRASE: { type: "Secret", secret: { name: "pulumi-passphrase", key: "passphrase" } },
    },
    resyncFrequencySeconds: 300,
    continueResyncOnCommitMatch: false,
    refresh: false,
    useLocalStackOnly: true,
    destroyOnFinalize: false,
    workspaceTemplate: { spec: { image: "registry.example.com/telephony-workspace:0.1.0" } },
  },
};
const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "web:1" }] } },
  },
};
const cronJob = {
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "drift-org-a-prod" },
  spec: {
    schedule: "0 * * * *",
    jobTemplate: {
      spec: {
        template: {
          spec: { restartPolicy: "Never", containers: [{ name: "drift", image: "workspace:1", args: ["drift"] }] },
        },
      },
    },
  },
};
const rule = readFileSync(join(BASE, "prometheus-rule.yaml"), "utf8");

/** A deep copy of `object` with `change` applied to it. */
function changed<T>(object: T, change: (copy: T) => void): T {
  const copy = structuredClone(object);
  change(copy);
  return copy;
}

describe("kubeconform fails where it should", () => {
  it.each([
    ["a Stack as the generator writes it", stack],
    ["a Deployment", deployment],
    ["a CronJob", cronJob],
  ])("control: accepts %s", async (_what, object) => {
    expectAllValid(await kubeconform({ yaml: stringify(object) }), stringify(object));
  });

  const cases: Array<[string, string, RegExp]> = [
    [
      "an unknown field in a Deployment's container",
      stringify(
        changed(deployment, (d) => Object.assign(d.spec.template.spec.containers[0]!, { imagePullPolicyy: "Always" })),
      ),
      /additional properties 'imagePullPolicyy' not allowed/,
    ],
    [
      "an unknown field in a CronJob's job spec",
      stringify(changed(cronJob, (c) => Object.assign(c.spec.jobTemplate.spec, { backofLimit: 1 }))),
      /additional properties 'backofLimit' not allowed/,
    ],
    [
      "a Stack with resyncFrequencySeconds 30 (PKO would run it every 60)",
      stringify(changed(stack, (s) => (s.spec.resyncFrequencySeconds = 30))),
      /'\/spec\/resyncFrequencySeconds': minimum: got 30, want 60/,
    ],
    [
      "a Stack named with 43 characters",
      stringify(changed(stack, (s) => (s.metadata.name = "a".repeat(43)))),
      /'\/metadata\/name': maxLength: got 43, want 42/,
    ],
    [
      "a Stack name that is no DNS-1123 label",
      stringify(changed(stack, (s) => (s.metadata.name = "Org_A"))),
      /'\/metadata\/name': 'Org_A' does not match pattern/,
    ],
    [
      "a misspelt Stack field",
      stringify(changed(stack, (s) => Object.assign(s.spec, { destroyOnFinalise: false }))),
      /additional properties 'destroyOnFinalise' not allowed/,
    ],
    [
      "a Stack that would destroy the live configurations when deleted",
      stringify(changed(stack, (s) => (s.spec.destroyOnFinalize = true))),
      /'\/spec\/destroyOnFinalize': value must be false/,
    ],
    [
      "a Stack that lets PKO create its stack when the backend lacks it (a misspelt name: every configuration again)",
      stringify(changed(stack, (s) => (s.spec.useLocalStackOnly = false))),
      /'\/spec\/useLocalStackOnly': value must be true/,
    ],
    [
      "a Stack that gives the API token literally",
      stringify(
        changed(stack, (s) =>
          Object.assign(s.spec.secretsRef, { "telephony:apiToken": { type: "Literal", literal: { value: "x" } } }),
        ),
      ),
      /'\/spec\/secretsRef\/telephony:apiToken\/type': value must be 'Secret'/,
    ],
    [
      "a Stack without its workspace service account",
      stringify(changed(stack, (s) => delete (s.spec as { serviceAccountName?: string }).serviceAccountName)),
      /'\/spec': missing property 'serviceAccountName'/,
    ],
    [
      "a PrometheusRule whose `for` is no duration",
      rule.replace("for: 15m", "for: 15 minutes"),
      /'\/spec\/groups\/0\/rules\/0\/for': '15 minutes' does not match pattern/,
    ],
    [
      "a kind no schema describes",
      "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
      /could not find schema for Widget/,
    ],
    [
      "a duplicated key",
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  name: b\n",
      /key "name" already set in map/,
    ],
  ];
  it.each(cases)("refuses %s", async (_what, yaml, message) => {
    const result = await kubeconform({ yaml });
    expect(result.code, result.output).toBe(1);
    expect(result.summary.valid, result.output).toBe(0);
    expect(result.resources.map((resource) => resource.msg).join("\n") || result.output).toMatch(message);
  });
});

// A Secret's value in a manifest would be in git; the manifests only name Secrets that the README has made by hand.
const TOKEN_LIKE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{8,}/,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bpul-[0-9a-f]{20,}/,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // a JWT
  // A long opaque string of letters and digits mixed: no word, name, path or URL of a manifest looks like this.
  /(?<![\w+/-])(?=[\w+/-]*\d)(?=[\w+/-]*[A-Za-z])[\w+/-]{32,}={0,2}(?![\w./-])/,
];
function secretProblems(yaml: string): string[] {
  const problems: string[] = [];
  for (const object of objects(yaml)) {
    const name = `${object.kind} ${object.metadata?.name}`;
    if (object.kind === "Secret") problems.push(`${name}: a Secret object`);
    if ("data" in object || "stringData" in object) problems.push(`${name}: data or stringData`);
    const walk = (value: unknown, path: string): void => {
      if (typeof value === "string") {
        for (const pattern of TOKEN_LIKE)
          if (pattern.test(value)) problems.push(`${name} ${path}: looks like a secret (${pattern})`);
      } else if (value && typeof value === "object")
        for (const [key, inner] of Object.entries(value)) {
          if (/^(value|literal)$/.test(key) && /token|passphrase|secret|password/i.test(path))
            problems.push(`${name} ${path}.${key}: a secret given inline`);
          walk(inner, `${path}.${key}`);
        }
    };
    walk(object, "");
  }
  return problems;
}

describe("no secret in a manifest", () => {
  it("none in any YAML file under deploy/ nor in what kustomize builds from them", async () => {
    const texts = [
      ...yamlFiles(DEPLOY).map((file) => readFileSync(file, "utf8")),
      ...(await Promise.all([BASE, ...overlays()].map((dir) => kustomizeBuild(dir)))),
    ];
    expect(texts.flatMap(secretProblems)).toEqual([]);
  });

  it.each([
    ["a Secret with data", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  token: c2VjcmV0\n"],
    [
      "a token given as an environment variable's value",
      stringify(
        changed(cronJob, (c) =>
          Object.assign(c.spec.jobTemplate.spec.template.spec.containers[0]!, {
            env: [{ name: "TELEPHONY_API_TOKEN", value: "tok_3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a" }],
          }),
        ),
      ),
    ],
    [
      "a Stack whose passphrase is a literal",
      stringify(
        changed(stack, (s) =>
          Object.assign(s.spec.envRefs, {
            PULUMI_CONFIG_PASSPHRASE: { type: "Literal", literal: { value: "correct horse" } },
          }),
        ),
      ),
    ],
  ])("control: finds %s", (_what, yaml) => {
    expect(secretProblems(yaml)).not.toEqual([]);
  });
});

describe("what `telephony-config init --kubernetes` writes", () => {
  const longest = "a".repeat(42); // PKO's limit for a Stack's name
  const inputs: Array<[string, string[]]> = [
    [
      "three stacks sharing a rate budget, an S3 backend, the defaults",
      ["--backend", "s3://state", "--stack", "acme-dev=acme-dev", "--stack", "acme-prod=acme", "--stack", "globex"],
    ],
    [
      "another namespace and overlay, a Pulumi Cloud backend, a repo dir, a resync, a drift schedule",
      [
        "--backend",
        "https://api.pulumi.com",
        "--stack",
        "prod=acme",
        "--namespace",
        "team-b",
        "--overlay",
        "team-b",
        "--repo-dir",
        "stacks/telephony",
        "--resync",
        "2m",
        "--drift-schedule",
        "*/30 * * * *",
        "--api-url",
        "https://api.example.com",
        "--branch",
        "release",
        "--image",
        "registry.example.com/telephony-workspace:1.2.3",
      ],
    ],
    ["a Stack name of PKO's longest, 42 characters", ["--backend", "gs://state", "--stack", `${longest}=org`]],
  ];

  it.each(inputs)(
    "%s: every file, and the overlay as kustomize builds it, is valid and has no secret",
    async (_what, args) => {
      const dir = temp("kube-init-");
      const result = await runCli([
        "init",
        "--kubernetes",
        dir,
        "--repo",
        "https://git.example.com/platform/telephony.git",
        "--rate-budget",
        "10",
        ...args,
      ]);
      expect(result.code, result.stderr).toBe(0);
      const files = yamlFiles(dir);
      const [overlay, ...more] = overlays(join(dir, "overlays"));
      expect(more).toEqual([]);
      const manifests = files.filter((file) => !isKustomization(file));
      expect(manifests.length).toBeGreaterThanOrEqual(5); // the base's three, the Stacks, the CronJobs
      expectAllValid(await kubeconform({ files: manifests }), manifests.join(", "));
      const built = await kustomizeBuild(overlay!);
      const validation = await kubeconform({ yaml: built });
      expectAllValid(validation, `kustomize build ${overlay}`);
      // The Stacks were checked against our schema, not only the built-in kinds.
      expect(validation.resources.map((resource) => resource.kind)).toEqual(
        expect.arrayContaining(["Stack", "CronJob", "PrometheusRule", "ClusterRoleBinding"]),
      );
      expect([...files.map((file) => readFileSync(file, "utf8")), built].flatMap(secretProblems)).toEqual([]);
    },
    // The CLI, kustomize and kubeconform twice each: a few seconds, more on a busy machine.
    60_000,
  );
});
