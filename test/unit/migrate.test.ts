// migrate's pure part: a dynamic stack's exported state → the native one, and why it refuses.
import { describe, expect, it } from "vitest";
import {
  defaultProviderName,
  migrateState,
  nativeProviderProperties,
  pluginSource,
  readPreview,
  renderPlan,
  type ExportedState,
  type MigrationOptions,
  type ResourceState,
} from "../../src/gitops/migrate.js";

const DYNAMIC = "pulumi-nodejs:dynamic/telephony:ProviderConfiguration";
const NATIVE = "telephony:index:ProviderConfiguration";
const URN = "urn:pulumi:prod::telephony-config::";
const STACK_URN = `${URN}pulumi:pulumi:Stack::telephony-config-prod`;
const NODEJS = `${URN}pulumi:providers:pulumi-nodejs::default`;
const NODEJS_REF = `${NODEJS}::0c1d`;
const TELEPHONY = `${URN}pulumi:providers:telephony::default_0_1_0`;
const SECRET = (ciphertext: string) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext,
});
const PLAIN_SECRET = (value: string) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  plaintext: JSON.stringify(value),
});
const MODULE = "exports.handler=()=>{}";

const mark = (resource: string, stack = "telephony-config/prod") => JSON.stringify({ stack, resource, create: "n-1" });

/** A dynamic configuration as the declarations program leaves it in the state. */
function dynamic(name: string, over: Partial<ResourceState> & { extraInputs?: Record<string, unknown> } = {}) {
  const { extraInputs = {}, ...rest } = over;
  const inputs = {
    __provider: MODULE,
    active: true,
    meta: {},
    name: `${name} name`,
    owner: { stack: "telephony-config/prod", resource: name },
    provider: 3,
    ...extraInputs,
  };
  return {
    urn: `${URN}${DYNAMIC}::${name}`,
    custom: true,
    id: "1",
    type: DYNAMIC,
    inputs,
    outputs: {
      __provider: MODULE,
      active: true,
      apiUrl: "https://api.example.com",
      mark: mark(name),
      meta: {},
      name: `${name} name`,
      orgHandle: "dev-org",
      provider: 3,
    },
    parent: STACK_URN,
    provider: NODEJS_REF,
    propertyDependencies: Object.fromEntries(Object.keys(inputs).map((k) => [k, []])),
    additionalSecretOutputs: ["apiKey", "apiSecret"],
    created: "2026-01-01T00:00:00Z",
    ...rest,
  } as ResourceState;
}

const stackResource: ResourceState = { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", outputs: {} };
const nodejsProvider: ResourceState = { urn: NODEJS, custom: true, id: "0c1d", type: "pulumi:providers:pulumi-nodejs" };

const state = (resources: ResourceState[], extra: Partial<ExportedState["deployment"]> = {}): ExportedState => ({
  version: 3,
  deployment: { manifest: { version: "v3.260.0" }, resources, ...extra },
});

const options: MigrationOptions = {
  config: {
    config: {
      "telephony:apiUrl": "https://api.example.com",
      "telephony:apiToken": "tok-1",
      "telephony:orgHandle": "dev-org",
      "telephony:productId": "1",
      "telephony:plugin": "native",
      "telephony-config:twilioApiSecret": "s3",
      "other:key": "x",
    },
    secretKeys: new Set(["telephony:apiToken", "telephony-config:twilioApiSecret"]),
  },
  version: "0.1.0",
  providerId: "9f0e-uuid",
  now: "2026-11-28T00:00:00.000Z",
};

describe("migrateState moves dynamic configurations to the native type", () => {
  const twilio = dynamic("twilio", {
    id: "2",
    extraInputs: { apiKey: SECRET("c-key"), apiSecret: SECRET("c-secret") },
    outputs: { ...dynamic("twilio").outputs, apiKey: SECRET("c-key"), apiSecret: SECRET("c-secret") },
  });
  const livekit = dynamic("livekit", { id: "3", extraInputs: { meta: { region: "eu" } } });
  const airtel = dynamic("airtel", {
    id: "1",
    extraInputs: { importId: 1 },
    outputs: { ...dynamic("airtel").outputs, mark: undefined },
    dependencies: [twilio.urn, livekit.urn],
  });
  const before = state([stackResource, nodejsProvider, twilio, livekit, airtel]);
  const m = migrateState(before, options);

  it("refuses nothing, and names each moved resource with its id unchanged", () => {
    expect(m.refusals).toEqual([]);
    expect(m.moved).toEqual(
      [twilio, livekit, airtel].map((r) => ({
        name: r.urn.split("::").pop(),
        id: r.id,
        oldUrn: r.urn,
        newUrn: r.urn.replace(DYNAMIC, NATIVE),
      })),
    );
  });

  it("writes each resource as the native plugin would: its type, URN and provider; no module, no owner", () => {
    const after = m.state!.deployment.resources!;
    expect(after.map((r) => r.urn)).toEqual([
      STACK_URN,
      TELEPHONY,
      `${URN}${NATIVE}::twilio`,
      `${URN}${NATIVE}::livekit`,
      `${URN}${NATIVE}::airtel`,
    ]);
    const native = after.find((r) => r.urn === `${URN}${NATIVE}::twilio`)!;
    const { __provider: _m, owner: _o, ...inputs } = twilio.inputs!;
    const { __provider: _n, ...outputs } = twilio.outputs!;
    const { __provider: _d, owner: _e, ...propertyDependencies } = twilio.propertyDependencies!;
    expect(native).toEqual({
      ...twilio,
      urn: `${URN}${NATIVE}::twilio`,
      type: NATIVE,
      provider: `${TELEPHONY}::9f0e-uuid`,
      inputs,
      outputs,
      propertyDependencies,
    });
    // Secrets stay as they were encrypted; the adopted one keeps its import id.
    expect(native.inputs!.apiKey).toEqual(SECRET("c-key"));
    expect(after[4]!.inputs!.importId).toBe(1);
    expect(after[4]!.dependencies).toEqual([`${URN}${NATIVE}::twilio`, `${URN}${NATIVE}::livekit`]);
    expect(after[3]!.inputs!.meta).toEqual({ region: "eu" });
  });

  it("adds the telephony default provider with the engine's inputs, and drops the dynamic one", () => {
    expect(m.provider).toEqual({ urn: TELEPHONY, added: true });
    expect(m.dropped).toEqual([NODEJS]);
    expect(m.state!.deployment.resources![1]).toEqual({
      urn: TELEPHONY,
      custom: true,
      id: "9f0e-uuid",
      type: "pulumi:providers:telephony",
      inputs: {
        apiUrl: "https://api.example.com",
        apiToken: PLAIN_SECRET("tok-1"),
        orgHandle: "dev-org",
        productId: "1",
        plugin: "native",
        __internal: {},
        version: "0.1.0",
      },
      outputs: {
        apiUrl: "https://api.example.com",
        apiToken: PLAIN_SECRET("tok-1"),
        orgHandle: "dev-org",
        productId: "1",
        plugin: "native",
        version: "0.1.0",
      },
      created: options.now,
      modified: options.now,
    });
  });

  it("keeps the rest of the export, and leaves the exported state as it was", () => {
    expect(m.state!.version).toBe(3);
    expect(m.state!.deployment.manifest).toEqual({ version: "v3.260.0" });
    expect(before.deployment.resources![2]).toBe(twilio);
    expect(twilio.type).toBe(DYNAMIC);
    expect(twilio.inputs!.__provider).toBe(MODULE);
  });

  it("renders the plan: each resource, old type → new, id unchanged", () => {
    const plan = renderPlan("prod", m, { version: "0.1.0", plugin: "Pulumi.yaml", config: "set" });
    expect(plan).toContain(`  twilio   configuration 2  ${DYNAMIC} → ${NATIVE}\n`);
    expect(plan).toContain(`  airtel   configuration 1  ${DYNAMIC} → ${NATIVE}\n`);
    expect(plan).toContain(`dropped: ${NODEJS}`);
  });
});

describe("migrateState, other shapes of state", () => {
  it.each([
    {
      what: "no version requested: the provider is `default`, without version or __internal",
      resources: [stackResource, nodejsProvider, dynamic("a")],
      opts: { version: undefined },
      check: (s: ResourceState[]) => {
        expect(s[1]!.urn).toBe(`${URN}pulumi:providers:telephony::default`);
        expect(s[1]!.inputs).not.toHaveProperty("version");
        expect(s[1]!.inputs).not.toHaveProperty("__internal");
        expect(s[2]!.provider).toBe(`${URN}pulumi:providers:telephony::default::9f0e-uuid`);
      },
    },
    {
      what: "another dynamic resource keeps the dynamic provider",
      resources: [
        stackResource,
        nodejsProvider,
        dynamic("a"),
        {
          urn: `${URN}pulumi-nodejs:dynamic:Resource::x`,
          type: "pulumi-nodejs:dynamic:Resource",
          provider: NODEJS_REF,
        },
      ],
      opts: {},
      check: (s: ResourceState[]) => {
        expect(s.map((r) => r.urn)).toContain(NODEJS);
        expect(s.find((r) => r.urn.endsWith("::x"))!.provider).toBe(NODEJS_REF);
      },
    },
    {
      what: "a child of a moved resource: its URN and parent follow",
      resources: [
        stackResource,
        nodejsProvider,
        dynamic("a"),
        {
          urn: `${URN}${DYNAMIC}$my:index:Note::n`,
          type: "my:index:Note",
          parent: `${URN}${DYNAMIC}::a`,
          dependencies: [`${URN}${DYNAMIC}::a`],
          propertyDependencies: { text: [`${URN}${DYNAMIC}::a`] },
        },
      ],
      opts: {},
      check: (s: ResourceState[]) => {
        expect(s[3]).toMatchObject({
          urn: `${URN}${NATIVE}$my:index:Note::n`,
          type: "my:index:Note",
          parent: `${URN}${NATIVE}::a`,
          dependencies: [`${URN}${NATIVE}::a`],
          propertyDependencies: { text: [`${URN}${NATIVE}::a`] },
        });
      },
    },
    {
      what: "the telephony provider in the state already: reused, not added",
      resources: [
        stackResource,
        { urn: TELEPHONY, id: "old-id", custom: true, type: "pulumi:providers:telephony", inputs: {} },
        nodejsProvider,
        dynamic("a"),
      ],
      opts: {},
      check: (s: ResourceState[]) => {
        expect(s.filter((r) => r.type === "pulumi:providers:telephony")).toHaveLength(1);
        expect(s[2]!.provider).toBe(`${TELEPHONY}::old-id`);
      },
    },
    {
      what: "the telephony provider in the state after the resources: moved before the ones it serves",
      resources: [
        stackResource,
        nodejsProvider,
        dynamic("a"),
        { urn: TELEPHONY, id: "old-id", custom: true, type: "pulumi:providers:telephony", inputs: {} },
      ],
      opts: {},
      check: (s: ResourceState[]) => {
        expect(s.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack", "pulumi:providers:telephony", NATIVE]);
        expect(s[2]!.provider).toBe(`${TELEPHONY}::old-id`);
      },
    },
    {
      what: "a resource with no mark (adopted) and one whose mark is its own",
      resources: [stackResource, nodejsProvider, dynamic("a", { outputs: {} }), dynamic("b")],
      opts: {},
      check: (s: ResourceState[]) => expect(s.filter((r) => r.type === NATIVE)).toHaveLength(2),
    },
  ])("$what", ({ resources, opts, check }) => {
    const m = migrateState(state(resources), { ...options, ...opts });
    expect(m.refusals).toEqual([]);
    check(m.state!.deployment.resources!);
  });
});

describe("migrateState refuses, with the reason, a state it cannot move as it is", () => {
  it.each([
    {
      what: "pending operations",
      exported: state([stackResource, nodejsProvider, dynamic("a")], {
        pending_operations: [{ resource: dynamic("b"), type: "creating" }],
      }),
      reason: /pending operation\(s\) \(creating b\): an update was interrupted/,
    },
    {
      what: "native resources beside the dynamic ones, one at the URN a moved one would take",
      exported: state([
        stackResource,
        nodejsProvider,
        dynamic("a"),
        {
          ...dynamic("a"),
          urn: dynamic("a").urn.replace("pulumi-nodejs:dynamic/telephony:ProviderConfiguration", NATIVE),
          type: NATIVE,
          id: "9",
        },
      ]),
      reason: /a: the state holds a native resource at .*telephony:index:ProviderConfiguration::a already/,
    },
    {
      what: "no dynamic configuration at all",
      exported: state([stackResource]),
      reason: /has no pulumi-nodejs:dynamic\/telephony:ProviderConfiguration to move$/,
    },
    {
      what: "an empty state",
      exported: { version: 3, deployment: {} },
      reason: /has no pulumi-nodejs:dynamic\/telephony:ProviderConfiguration to move/,
    },
    {
      what: "a stack already native",
      exported: state([stackResource, { urn: `${URN}${NATIVE}::a`, type: NATIVE, id: "1" }]),
      reason: /\(its 1 configuration\(s\) are native already\)/,
    },
    {
      what: "a child of a component",
      exported: state([
        stackResource,
        { urn: `${URN}my:index:Group::g`, type: "my:index:Group", parent: STACK_URN },
        nodejsProvider,
        dynamic("a", { urn: `${URN}my:index:Group$${DYNAMIC}::a`, parent: `${URN}my:index:Group::g` }),
      ]),
      reason: /^a \(configuration 1\): a child of .*my:index:Group::g: only configurations at the top of the stack/,
    },
    {
      what: "an owner in the inputs that is not its URN's",
      exported: state([
        stackResource,
        nodejsProvider,
        dynamic("a", { extraInputs: { owner: { stack: "telephony-config/prod", resource: "b" } } }),
      ]),
      reason:
        /a \(configuration 1\): its inputs name it resource "b" of stack telephony-config\/prod, its URN resource "a"/,
    },
    {
      what: "an owner of another stack",
      exported: state([
        stackResource,
        nodejsProvider,
        dynamic("a", { extraInputs: { owner: { stack: "telephony-config/staging", resource: "a" } } }),
      ]),
      reason: /of stack telephony-config\/staging, its URN resource "a" of stack telephony-config\/prod/,
    },
    {
      what: "a mark of a former key (renamed with formerKeys)",
      exported: state([
        stackResource,
        nodejsProvider,
        dynamic("a", {
          extraInputs: { owner: { stack: "telephony-config/prod", resource: "a", formerly: ["old"] } },
          outputs: { mark: mark("old") },
        }),
      ]),
      reason: /ownership mark names resource "old" of stack telephony-config\/prod, not "a".*knows no former keys/,
    },
    {
      what: "a mark that is not one",
      exported: state([stackResource, nodejsProvider, dynamic("a", { outputs: { mark: "garbage" } })]),
      reason: /ownership mark names no owner \("garbage"\)/,
    },
    {
      what: "a resource pending deletion",
      exported: state([stackResource, nodejsProvider, dynamic("a", { delete: true })]),
      reason: /a \(configuration 1\): pending deletion/,
    },
    {
      what: "a tainted resource",
      exported: state([stackResource, nodejsProvider, dynamic("a", { taint: true })]),
      reason: /tainted/,
    },
    {
      what: "a resource served by an explicit provider",
      exported: state([stackResource, dynamic("a", { provider: `${URN}pulumi:providers:pulumi-nodejs::mine::77` })]),
      reason: /served by .*::mine::77, not Pulumi's default dynamic provider/,
    },
  ])("$what", ({ exported, reason }) => {
    const m = migrateState(exported as ExportedState, options);
    expect(
      m.refusals.some((r) => reason.test(r)),
      m.refusals.join("\n"),
    ).toBe(true);
    expect(m.state).toBeUndefined();
    expect(m.moved).toEqual([]);
  });

  it("names every reason at once", () => {
    const m = migrateState(
      state([stackResource, nodejsProvider, dynamic("a", { delete: true }), dynamic("b", { taint: true })], {
        pending_operations: [{ resource: dynamic("c"), type: "updating" }],
      }),
      options,
    );
    expect(m.refusals).toHaveLength(3);
  });
});

describe("the default provider, as the engine names it and fills it in", () => {
  it.each([
    [undefined, "default"],
    ["0.1.0", "default_0_1_0"],
    ["v1.2.3", "default_1_2_3"],
    ["1.2.3-beta.1", "default_1_2_3_beta_1"],
    ["1.2.3-rc.1+build.5", "default_1_2_3_rc_1_build_5"],
  ])("%s → %s", (version, name) => {
    expect(defaultProviderName(version)).toBe(name);
  });

  it("refuses a version that is not one", () => {
    expect(() => defaultProviderName("latest")).toThrow(/not a semantic version/);
  });

  it("takes only telephony:* values, secrets as plaintext secrets for stack import to encrypt", () => {
    const { inputs, outputs } = nativeProviderProperties(
      {
        config: { "telephony:apiToken": 't"1', "telephony:apiUrl": "u", "x:y": "z" },
        secretKeys: new Set(["telephony:apiToken"]),
      },
      "v0.2.0",
    );
    expect(inputs).toEqual({ apiToken: PLAIN_SECRET('t"1'), apiUrl: "u", __internal: {}, version: "0.2.0" });
    expect(outputs).toEqual({ apiToken: PLAIN_SECRET('t"1'), apiUrl: "u", version: "0.2.0" });
  });
});

describe("pluginSource: where the engine finds the native plugin", () => {
  it.each([
    [
      { projectEntry: { path: "node_modules/telephony-config/plugin", found: true }, cached: [] },
      /^Pulumi.yaml's plugins.providers \(node_modules/,
    ],
    [{ cached: ["0.1.0"] }, /plugin cache \(telephony 0.1.0\)/],
    [{ cached: [], onPath: "/usr/bin/pulumi-resource-telephony" }, /\/usr\/bin\/pulumi-resource-telephony/],
  ])("%j is found", (facts, source) => {
    const found = pluginSource(facts);
    expect("source" in found && found.source).toMatch(source);
  });

  it.each([
    [
      { cached: [] },
      "the engine cannot find the native plugin (pulumi-resource-telephony): add to Pulumi.yaml\n" +
        "  plugins:\n    providers:\n      - name: telephony\n        path: node_modules/telephony-config/plugin\n" +
        "or install it in Pulumi's plugin cache (telephony-config plugin install)",
    ],
    [
      { projectEntry: { path: "plugins/x", found: false }, cached: ["0.1.0"] },
      /names plugins\/x, which holds no pulumi-resource-telephony/,
    ],
  ])("%j is refused, saying what to add", (facts, refusal) => {
    const found = pluginSource(facts);
    const said = "refusal" in found && found.refusal;
    if (typeof refusal === "string") expect(said).toBe(refusal);
    else expect(said).toMatch(refusal);
  });
});

describe("readPreview: what a preview would do", () => {
  it.each([
    [JSON.stringify({ steps: [{ op: "same", urn: "u1" }], changeSummary: { same: 4 } }), { changes: [], errors: [] }],
    [
      JSON.stringify({
        steps: [
          { op: "same", urn: "u1" },
          { op: "update", urn: "u2", diffs: ["name"] },
        ],
      }),
      { changes: [{ op: "update", urn: "u2", diffs: ["name"] }], errors: [] },
    ],
    [
      JSON.stringify({ steps: [{ op: "create", urn: "u3", detailedDiff: { meta: {} } }] }),
      { changes: [{ op: "create", urn: "u3", diffs: ["meta"] }], errors: [] },
    ],
    [
      JSON.stringify({
        steps: [{ op: "same", urn: "u1" }],
        diagnostics: [
          { message: "error: invalid telephony declarations\n", severity: "error" },
          { message: "a warning", severity: "warning" },
        ],
      }),
      { changes: [], errors: ["error: invalid telephony declarations"] },
    ],
    [JSON.stringify({}), { changes: [], errors: [] }],
    ["error: not json", undefined],
  ])("%s", (json, seen) => {
    expect(readPreview(json)).toEqual(seen);
  });
});
