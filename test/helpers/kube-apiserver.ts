import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** What builds the control plane this tier needs (scripts/kube-apiserver.sh, about ten minutes once). */
export const SETUP_KUBE = "npm run setup:kube";
const SCRIPT = fileURLToPath(new URL("../../scripts/kube-apiserver.sh", import.meta.url));

/**
 * The directory holding kube-apiserver, etcd and kubectl when scripts/kube-apiserver.sh has built them,
 * else undefined (the script's --check is offline and instant: it never builds).
 */
export function kubeToolchain(): string | undefined {
  try {
    return execFileSync("bash", [SCRIPT, "--check"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ControlPlane {
  /** Runs the cached kubectl against this server, `input` on its stdin. */
  kubectl(args: string[], input?: string): Promise<Run>;
  /** Seconds from the first process started to /readyz answering ok. */
  startSeconds: number;
  /** Stops kube-apiserver then etcd, waits for both to exit, and removes their temporary directory. */
  stop(): Promise<void>;
}

/**
 * Starts etcd and kube-apiserver from `bin` on random loopback ports, with state in a temporary directory,
 * and waits until the server is ready. Secure serving only: a self-signed certificate the server writes
 * (kubectl checks it), a static token for kubectl (user in system:masters), RBAC, and a fresh
 * service-account key pair. No controller manager or scheduler runs: nothing here reconciles or schedules.
 */
export async function startControlPlane(bin: string): Promise<ControlPlane> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "kube-apiserver-"));
  const [etcdClient, etcdPeer, securePort] = await freePorts(3);
  const children: ChildProcess[] = [];
  // A worker that exits without afterAll (interrupted, crashed) must leave neither servers nor files behind.
  const killAll = () => {
    children.forEach((child) => child.kill("SIGKILL"));
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killAll);

  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  const token = randomBytes(24).toString("hex");
  writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });

  const spawnLogged = (name: string, args: string[]) => {
    const log = openSync(join(dir, `${name}.log`), "w");
    const child = spawn(join(bin, name), args, { stdio: ["ignore", log, log] });
    children.push(child);
    return child;
  };
  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  const peerUrl = `http://127.0.0.1:${etcdPeer}`;
  spawnLogged("etcd", [
    `--data-dir=${join(dir, "etcd")}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    "--log-level=error",
    // Throwaway data: no fsync keeps a loaded machine's disk out of the start time.
    "--unsafe-no-fsync",
  ]);
  spawnLogged("kube-apiserver", [
    `--etcd-servers=${etcdUrl}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    // Nothing in the cluster calls the `kubernetes` Service, and its endpoint may not be a loopback address.
    "--endpoint-reconciler-type=none",
    `--secure-port=${securePort}`,
    `--cert-dir=${join(dir, "certs")}`,
    `--token-auth-file=${join(dir, "tokens.csv")}`,
    "--authorization-mode=RBAC",
    `--service-account-key-file=${join(dir, "sa.pub")}`,
    `--service-account-signing-key-file=${join(dir, "sa.key")}`,
    "--service-account-issuer=https://kubernetes.default.svc",
    "--service-cluster-ip-range=10.96.0.0/24",
    "--profiling=false",
  ]);

  const stop = async () => {
    // The server first, so that it does not spend its shutdown retrying a stopped etcd.
    for (const child of [...children].reverse()) await terminate(child);
    process.removeListener("exit", killAll);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const server = `https://127.0.0.1:${securePort}`;
    const ca = await waitFor(
      () => {
        // The server writes its self-signed certificate, and the CA that signed it, here before it serves.
        const file = join(dir, "certs", "apiserver.crt");
        return existsSync(file) ? readFileSync(file, "utf8") : undefined;
      },
      "kube-apiserver's certificate",
      dir,
      children,
    );
    await waitFor(
      async () => ((await get(`${server}/readyz`, ca, token)) === 200 ? true : undefined),
      "kube-apiserver /readyz",
      dir,
      children,
    );
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "test", cluster: { server, "certificate-authority": join(dir, "certs", "apiserver.crt") } }],
        users: [{ name: "admin", user: { token } }],
        contexts: [{ name: "test", context: { cluster: "test", user: "admin" } }],
        "current-context": "test",
      }),
      { mode: 0o600 },
    );
    return {
      kubectl: (args, input) => run(join(bin, "kubectl"), ["--kubeconfig", kubeconfig, ...args], input),
      startSeconds: (performance.now() - started) / 1000,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs a command to its end, `input` on its stdin; never rejects for a non-zero exit. */
export function run(command: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

async function freePorts(count: number): Promise<number[]> {
  // All held open at once, so that the same port is not handed out twice.
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function get(url: string, ca: string, token: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  dir: string,
  children: ChildProcess[],
): Promise<T> {
  // Two loaded cores start kube-apiserver in 10-30 s; two minutes means it will not come up.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const exited = children.find((child) => child.exitCode !== null || child.signalCode !== null);
    if (exited) throw new Error(`${exited.spawnfile} exited while waiting for ${what}:\n${logs(dir)}`);
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}:\n${logs(dir)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The last lines each server logged, for an error's message. */
function logs(dir: string): string {
  return ["etcd", "kube-apiserver"]
    .map((name) => {
      const file = join(dir, `${name}.log`);
      const lines = existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").slice(-15) : ["(nothing)"];
      return `${name}:\n${lines.join("\n")}`;
    })
    .join("\n");
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A Kubernetes object of any kind, as kustomize builds it; tests reach into it by documented paths. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
};

type Schema = Record<string, unknown>;

/**
 * A CustomResourceDefinition whose openAPIV3Schema is one of the repo's JSON Schemas (deploy/kubernetes/
 * schemas/: the fields of a CRD kind we use, each with where it is documented), made structural, so that
 * the server validates and, with strict field validation, refuses unknown fields as for a built-in kind.
 * The kind and group come from the schema's own `kind` and `apiVersion` (a const or a one-value enum).
 * What it says of metadata.name (maximum length, pattern) and of a map's keys (propertyNames) becomes CEL
 * rules, as PKO's own CRD states the Stack's 42 characters.
 */
export function crdFor(jsonSchema: Schema): Manifest {
  const root = structural(jsonSchema, jsonSchema) as Schema & { properties: Record<string, Schema> };
  const only = (field: string) => {
    const property = (jsonSchema.properties as Record<string, Schema> | undefined)?.[field];
    const values = property?.const !== undefined ? [property.const] : (property?.enum as unknown[] | undefined);
    if (values?.length !== 1 || typeof values[0] !== "string") {
      throw new Error(`the schema ${String(jsonSchema.$id ?? jsonSchema.title)} does not fix its ${field}`);
    }
    return values[0];
  };
  const kind = only("kind");
  const [group, version] = only("apiVersion").split("/") as [string, string];
  const plural = `${kind.toLowerCase()}s`;
  // A CRD's schema may say nothing about metadata beyond name and generateName, nor fix apiVersion or kind
  // (the server sets them); what the JSON Schema says of metadata.name becomes rules on the whole object.
  const metadata = resolve(jsonSchema, (root.properties.metadata as Schema | undefined) ?? {});
  const name = ((metadata.properties as Record<string, Schema> | undefined)?.name ?? {}) as Schema;
  const rules: { rule: string; message: string }[] = [];
  if (typeof name.maxLength === "number") {
    const rule = `size(self.metadata.name) <= ${name.maxLength}`;
    rules.push({ rule, message: `metadata.name must be at most ${name.maxLength} characters` });
  }
  if (typeof name.pattern === "string") {
    const rule = `self.metadata.name.matches(${JSON.stringify(name.pattern)})`;
    rules.push({ rule, message: `metadata.name must match ${name.pattern}` });
  }
  root.properties = {
    ...root.properties,
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
  };
  root.required = ((root.required as string[] | undefined) ?? []).filter(
    (field) => !["apiVersion", "kind", "metadata"].includes(field),
  );
  if (rules.length > 0) root["x-kubernetes-validations"] = rules;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: root } }],
    },
  };
}

/** Follows a local $ref (#/$defs/x, #/definitions/x) from the document's root. */
function resolve(document: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  if (!ref.startsWith("#/")) throw new Error(`only local $refs can be inlined, not ${ref}`);
  const target = ref
    .slice(2)
    .split("/")
    .reduce<unknown>((node, key) => (node as Schema | undefined)?.[key], document) as Schema | undefined;
  if (!target) throw new Error(`$ref ${ref} leads nowhere`);
  return resolve(document, {
    ...target,
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$ref")),
  });
}

// What JSON Schema has and a CRD's schema may not: dropped, as they validate nothing the server needs here.
const DROPPED = new Set([
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "definitions",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
]);

/** A JSON Schema node as a structural openAPIV3Schema node. */
function structural(document: Schema, node: Schema): Schema {
  const schema = resolve(document, node);
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (key === "const") {
      out.enum = [value];
      // A structural schema states every field's type, which JSON Schema leaves to the const.
      if (schema.type === undefined) out.type = typeof value === "number" ? "number" : typeof value;
    } else if (key === "propertyNames") {
      // A map's keys: CEL is how a CRD checks them.
      const pattern = (value as Schema).pattern;
      if (typeof pattern !== "string" || Object.keys(value as Schema).length > 1) {
        throw new Error(`only a pattern of propertyNames becomes a CEL rule, not ${JSON.stringify(value)}`);
      }
      out["x-kubernetes-validations"] = [
        { rule: `self.all(k, k.matches(${JSON.stringify(pattern)}))`, message: `every key must match ${pattern}` },
      ];
    } else if (key === "type" && Array.isArray(value)) {
      // ["string", "null"]: OpenAPI's nullable.
      const types = value.filter((type) => type !== "null");
      if (types.length !== 1) throw new Error(`a CRD schema has one type per field, not ${JSON.stringify(value)}`);
      out.type = types[0];
      if (types.length < value.length) out.nullable = true;
    } else if (key === "additionalProperties") {
      // false: pruning drops unknown fields, and strict field validation refuses them, as the server does for
      // built-in kinds (a structural schema may not say false); true: kept as they are.
      if (value === true) out["x-kubernetes-preserve-unknown-fields"] = true;
      else if (value !== false) out.additionalProperties = structural(document, value as Schema);
    } else if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([name, property]) => [
          name,
          structural(document, property),
        ]),
      );
    } else if (key === "items") out.items = structural(document, value as Schema);
    else if (key === "allOf" || key === "anyOf" || key === "oneOf") {
      out[key] = (value as Schema[]).map((branch) => structural(document, branch));
    } else out[key] = value;
  }
  return out;
}
