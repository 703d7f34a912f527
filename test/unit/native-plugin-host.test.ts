// The native plugin's process as the engine starts it (plugin/pulumi-resource-telephony), spoken to
// over Pulumi's provider protocol with the stubs @pulumi/pulumi ships: what it answers before any
// request reaches the API.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../helpers/project.js";

const require = createRequire(import.meta.url);
const rpc =
  require("@pulumi/pulumi/proto/provider_grpc_pb.js") as typeof import("@pulumi/pulumi/proto/provider_grpc_pb.js");
const pb = require("@pulumi/pulumi/proto/provider_pb.js") as typeof import("@pulumi/pulumi/proto/provider_pb.js");
const { Struct } =
  require("google-protobuf/google/protobuf/struct_pb.js") as typeof import("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } =
  require("google-protobuf/google/protobuf/empty_pb.js") as typeof import("google-protobuf/google/protobuf/empty_pb.js");

const URN = "urn:pulumi:dev::infra::telephony:index:ProviderConfiguration::twilio";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let plugin: ChildProcess;
let client: InstanceType<typeof rpc.ResourceProviderClient>;

/** A unary call as a promise. */
function call<Res>(method: string, request: unknown): Promise<Res> {
  return new Promise((resolve, reject) =>
    (client as unknown as Record<string, (r: unknown, cb: (e: Error | null, r: Res) => void) => void>)[method]!(
      request,
      (error, response) => (error ? reject(error) : resolve(response)),
    ),
  );
}

beforeAll(async () => {
  plugin = spawn(join(REPO, "plugin", "pulumi-resource-telephony"), [], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    plugin.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    plugin.once("error", reject);
  });
  expect(port).toMatch(/^\d+$/);
  client = new rpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
afterAll(() => {
  client?.close();
  plugin?.kill();
});

describe("pulumi-resource-telephony", () => {
  it("answers GetSchema with exactly the committed plugin/schema.json, and its version with the package's", async () => {
    const schema = await call<InstanceType<typeof pb.GetSchemaResponse>>("getSchema", new pb.GetSchemaRequest());
    expect(schema.getSchema()).toBe(readFileSync(join(REPO, "plugin", "schema.json"), "utf8"));
    const info = await call<{ getVersion(): string }>("getPluginInfo", new Empty());
    expect(info.getVersion()).toBe(JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version);
  });

  it.each([
    [{ apiUrl: "http://x", orgHandle: "acme", productId: "seven", apiToken: "t" }, "productId", "must be an integer"],
    [
      { apiUrl: "not a url", orgHandle: "acme", productId: "1", apiToken: "t" },
      "apiUrl",
      "is not an http:// or https:// URL",
    ],
    [
      { apiUrl: "http://x", orgHandle: "acme", productId: "1", apiToken: "t", apiUrll: "x" },
      "apiUrll",
      "not a setting",
    ],
    [{ apiUrl: "http://x", productId: "1", apiToken: "t" }, "orgHandle", "not configured"],
  ])("CheckConfig refuses %j at preview (%s)", async (news, property, reason) => {
    const request = new pb.CheckRequest().setNews(Struct.fromJavaScript(news));
    const checked = await call<InstanceType<typeof pb.CheckResponse>>("checkConfig", request);
    const failures = checked.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
    expect(failures.find(([p]) => p === property)?.[1]).toContain(reason);
  });

  it("takes a setting computed from another resource (unknown at preview) as valid until it is known", async () => {
    const news = { apiUrl: UNKNOWN, orgHandle: "acme", productId: UNKNOWN, apiToken: "t" };
    const checked = await call<InstanceType<typeof pb.CheckResponse>>(
      "checkConfig",
      new pb.CheckRequest().setNews(Struct.fromJavaScript(news)),
    );
    expect(checked.getFailuresList()).toEqual([]);
  });

  it("keeps the API token a secret in the provider's state, also when the stack's config holds it in plain text", async () => {
    const news = { apiUrl: "http://x", orgHandle: "acme", productId: "1", apiToken: "plain-token" };
    const checked = await call<InstanceType<typeof pb.CheckResponse>>(
      "checkConfig",
      new pb.CheckRequest().setNews(Struct.fromJavaScript(news)),
    );
    expect(checked.getInputs()!.toJavaScript()).toEqual({ ...news, apiToken: { ...SECRET, value: "plain-token" } });
  });

  it("marks apiKey and apiSecret secret at Check, also when the program gave literals; what the program made secret stays so", async () => {
    const configure = new pb.ConfigureRequest().setArgs(
      Struct.fromJavaScript({ apiUrl: "http://127.0.0.1:9", orgHandle: "acme", productId: "1", apiToken: "t" }),
    );
    await call("configure", configure);
    const request = new pb.CheckRequest().setUrn(URN).setNews(
      Struct.fromJavaScript({
        name: { ...SECRET, value: "Twilio" },
        provider: 3,
        apiKey: "literal-key",
        apiSecret: { ...SECRET, value: "s" },
      }),
    );
    const checked = await call<InstanceType<typeof pb.CheckResponse>>("check", request);
    expect(checked.getFailuresList()).toEqual([]);
    expect(checked.getInputs()!.toJavaScript()).toEqual({
      name: { ...SECRET, value: "Twilio" },
      provider: 3,
      active: true,
      meta: {},
      apiKey: { ...SECRET, value: "literal-key" },
      apiSecret: { ...SECRET, value: "s" },
    });
  });

  it("answers Diff field by field, with replace reasons", async () => {
    const olds = {
      name: "Twilio",
      provider: 3,
      active: true,
      meta: { team: "voice" },
      orgHandle: "acme",
      apiUrl: "http://127.0.0.1:9",
    };
    const news = { name: "Twilio 2", provider: 3, active: true, meta: { team: "support" }, sipUrl: "sip:a@b" };
    const request = new pb.DiffRequest()
      .setId("7")
      .setUrn(URN)
      .setOlds(Struct.fromJavaScript(olds))
      .setOldInputs(Struct.fromJavaScript({ name: "Twilio", provider: 3, active: true, meta: { team: "voice" } }))
      .setNews(Struct.fromJavaScript(news));
    const diff = await call<InstanceType<typeof pb.DiffResponse>>("diff", request);
    const { Kind } = pb.PropertyDiff;
    expect(diff.getChanges()).toBe(pb.DiffResponse.DiffChanges.DIFF_SOME);
    expect(diff.getReplacesList()).toEqual(["meta"]);
    expect(diff.getHasdetaileddiff()).toBe(true);
    const kinds: Record<string, number> = {};
    diff.getDetaileddiffMap().forEach((entry, field) => (kinds[field] = entry.getKind()));
    expect(kinds).toEqual({
      name: Kind.UPDATE,
      meta: Kind.UPDATE_REPLACE,
      sipUrl: Kind.ADD,
    });
  });

  it("exits when the engine closes its standard input", async () => {
    const exited = new Promise<number | null>((resolve) => plugin.once("exit", resolve));
    plugin.stdin!.end();
    expect(await exited).toBe(1);
  });
});
