import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import {
  crdFor,
  kubeToolchain,
  run,
  SETUP_KUBE,
  startControlPlane,
  type ControlPlane,
  type Manifest,
} from "../helpers/kube-apiserver.js";
import { runCli } from "../helpers/cli.js";

// The slow tier: the manifests the repo ships, applied (server-side dry run, strict field validation) to a
// real kube-apiserver backed by etcd. It needs binaries that take minutes to build, so it runs only when
// they are cached, and says so when they are not.
const bin = kubeToolchain();
if (!bin) console.log(`kube-apiserver tier skipped: no kube-apiserver cached; build it once with \`${SETUP_KUBE}\``);

const deploy = fileURLToPath(new URL("../../deploy/kubernetes/", import.meta.url));
const BUILDS = { base: `${deploy}base`, "example overlay": `${deploy}overlays/example` };
// A CronJob's name is at most 52 characters (its Jobs get an 11-character suffix); PKO allows a Stack 42.
const LONG_NAME = "n".repeat(53);

describe.skipIf(!bin)("a real kube-apiserver", () => {
  let plane: ControlPlane;
  // kustomize's output as it printed it (what is applied), and parsed (to count and to mutate).
  const built: Record<string, { yaml: string; docs: Manifest[] }> = {};

  beforeAll(async () => {
    for (const [name, dir] of Object.entries(BUILDS)) {
      // kubectl's own kustomize, as `kubectl apply -k` (what the overlay's header tells users to run) builds it.
      const result = await run(`${bin}/kubectl`, ["kustomize", dir]);
      if (result.code !== 0) throw new Error(`kubectl kustomize ${dir}: ${result.stderr}`);
      const docs = parseAllDocuments(result.stdout).map((doc) => doc.toJS() as Manifest);
      built[name] = { yaml: result.stdout, docs };
    }
    plane = await startControlPlane(bin!);
    console.log(`kube-apiserver tier: etcd + kube-apiserver ready in ${plane.startSeconds.toFixed(1)} s`);
    // No operator runs here, so its CRDs are not installed: ours, made from the repo's JSON Schemas of the
    // fields we use, stand in, so that the server validates the Stack and PrometheusRule objects too.
    const schemas = readdirSync(`${deploy}schemas`, { recursive: true, encoding: "utf8" });
    const crds = schemas
      .filter((file) => file.endsWith(".json"))
      .map((file) => crdFor(JSON.parse(readFileSync(`${deploy}schemas/${file}`, "utf8"))));
    const created = await plane.kubectl(["apply", "--validate=strict", "-f", "-"], yamlOf(crds));
    if (created.code !== 0) throw new Error(`the CRDs were refused: ${created.stderr}`);
    const established = await plane.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
    if (established.code !== 0) throw new Error(`the CRDs were not established: ${established.stderr}`);
    // A dry run creates nothing, so the namespaced objects' namespace must exist for real.
    const namespaces = new Set(Object.values(built).flatMap(({ docs }) => docs.map((doc) => doc.metadata.namespace)));
    for (const namespace of namespaces) {
      if (!namespace) continue;
      // --save-config: the dry run's apply then patches it without kubectl's warning about a missing annotation.
      const made = await plane.kubectl(["create", "namespace", namespace, "--save-config"]);
      if (made.code !== 0) throw new Error(`namespace ${namespace}: ${made.stderr}`);
    }
  });
  afterAll(async () => {
    await plane?.stop();
  });

  it.each(Object.keys(BUILDS))("accepts every object of the %s (server dry run, strict)", async (name) => {
    const { yaml, docs } = built[name]!;
    const started = performance.now();
    const result = await plane.kubectl(["apply", "--dry-run=server", "--validate=strict", "-f", "-"], yaml);
    console.log(
      `kube-apiserver tier: ${name}: ${docs.length} objects (${[...new Set(docs.map((doc) => doc.kind))].join(", ")}) ` +
        `applied in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(result.stderr).toBe(""); // no refusal, and no warning either (a deprecated field, a duplicate key)
    expect(result.code).toBe(0);
    const applied = result.stdout.split("\n").filter((line) => line.endsWith("(server dry run)"));
    expect(applied).toHaveLength(docs.length);
    expect(docs.length).toBeGreaterThan(0);
  });

  // Each refusal proves the server really checks what the tier relies on: a mutated copy of a shipped object.
  const refusals: [string, string, (doc: Manifest) => void, RegExp][] = [
    [
      "an unknown field in a CronJob's container (strict)",
      "CronJob",
      (doc) => ((doc.spec.jobTemplate.spec.template.spec.containers[0] as Manifest).imagePullPolicyy = "Always"),
      /unknown field "spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/,
    ],
    [
      "a CronJob schedule that is no cron expression",
      "CronJob",
      (doc) => (doc.spec.schedule = "every hour"),
      /spec\.schedule: Invalid value: "every hour"/,
    ],
    [
      "a CronJob name longer than 52 characters",
      "CronJob",
      (doc) => (doc.metadata.name = LONG_NAME),
      /must be no more than 52 characters/,
    ],
    [
      "an unknown field in a Stack's spec (strict, through our CRD's schema)",
      "Stack",
      (doc) => (doc.spec.resyncFrequency = 60),
      /unknown field "spec\.resyncFrequency"/,
    ],
    [
      "a Stack name longer than 42 characters (PKO's CEL rule)",
      "Stack",
      (doc) => (doc.metadata.name = "s".repeat(43)),
      /at most 42 characters/,
    ],
    [
      "a Stack resync period under PKO's minimum of 60 s",
      "Stack",
      (doc) => (doc.spec.resyncFrequencySeconds = 30),
      /spec\.resyncFrequencySeconds in body should be greater than or equal to 60/,
    ],
    [
      "a Stack envRefs key that is no variable name (propertyNames, a CEL rule in our CRD)",
      "Stack",
      (doc) => (doc.spec.envRefs["PULUMI-CONFIG-PASSPHRASE"] = doc.spec.envRefs.PULUMI_CONFIG_PASSPHRASE),
      /spec\.envRefs: Invalid value: every key must match/,
    ],
    [
      "a PrometheusRule's `for` that is no Prometheus duration (through our CRD's schema)",
      "PrometheusRule",
      (doc) => (doc.spec.groups[0].rules[0].for = "15 minutes"),
      /spec\.groups\[0\]\.rules\[0\]\.for in body should match/,
    ],
    [
      "an unknown field in a ClusterRoleBinding's subject (strict)",
      "ClusterRoleBinding",
      (doc) => ((doc.subjects[0] as Manifest).namespaces = "x"),
      /unknown field "subjects\[0\]\.namespaces"/,
    ],
  ];
  it.each(refusals)("refuses %s", async (_what, kind, mutate, refusal) => {
    const shipped = built["example overlay"]!.docs.find((doc) => doc.kind === kind);
    expect(shipped, `the example overlay has no ${kind}`).toBeDefined();
    const doc = structuredClone(shipped!);
    mutate(doc);
    const result = await plane.kubectl(["apply", "--dry-run=server", "--validate=strict", "-f", "-"], yamlOf([doc]));
    expect(result.stderr).toMatch(refusal);
    expect(result.code).not.toBe(0);
  });

  // Last, as it stores objects for real. Two overlays in one cluster: the generator's for another namespace
  // is accepted too, and neither overlay takes over the other's cluster-wide binding (a ClusterRoleBinding
  // has no namespace, so one overlay's would replace the other's if their names were the same).
  it("stores the example overlay and a generated one for another namespace side by side", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kube-generated-"));
    try {
      const generated = await runCli([
        ...["init", "--kubernetes", dir, "--overlay", "prod", "--namespace", "other-ns"],
        ...["--repo", "https://github.com/acme/telephony-infra.git", "--backend", "s3://acme-pulumi-state"],
        ...["--stack", "hooli-prod=hooli", "--stack", "initech-dev=initech", "--rate-budget", "4"],
      ]);
      expect(generated.code, generated.stderr).toBe(0);
      const prod = await run(`${bin}/kubectl`, ["kustomize", join(dir, "overlays", "prod")]);
      expect(prod.code, prod.stderr).toBe(0);
      for (const yaml of [built["example overlay"]!.yaml, prod.stdout]) {
        const applied = await plane.kubectl(["apply", "--validate=strict", "-f", "-"], yaml);
        expect(applied.stderr).toBe("");
        expect(applied.code).toBe(0);
      }
      const bindings = await plane.kubectl([
        ...["get", "clusterrolebindings", "-l", "app.kubernetes.io/part-of=telephony-config"],
        ...["-o", "jsonpath={range .items[*]}{.metadata.name} {.subjects[0].namespace}{'\\n'}{end}"],
      ]);
      expect(bindings.stdout.trim().split("\n").sort()).toEqual([
        "other-ns:telephony-config-workspace:system:auth-delegator other-ns",
        "telephony-config:telephony-config-workspace:system:auth-delegator telephony-config",
      ]);
      const stacks = await plane.kubectl(["get", "stacks.pulumi.com", "-A", "-o", "name"]);
      expect(stacks.stdout.trim().split("\n")).toHaveLength(
        built["example overlay"]!.docs.filter((doc) => doc.kind === "Stack").length + 2,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function yamlOf(docs: object[]): string {
  return docs.map((doc) => stringify(doc)).join("---\n");
}
