import * as pulumi from "@pulumi/pulumi";
import { ConfigurationResource } from "./configuration-resource.js";
import { RESOURCE_TYPE, stackId } from "../model/index.js";

/**
 * The provider module Pulumi keeps in every resource's state (`__provider`) and hands to its dynamic
 * provider host, which loads it with require-from-string and calls `handler()`. It is written here
 * rather than produced by closure serialization: no token, no client, no settings, and text that does not
 * change with the code, so that what runs is always the package's current code (pulumi/pulumi#6490).
 *
 * It loads that code only from the project itself: Pulumi runs it in the directory of the program's
 * `main`, so it looks from there up to the directory of Pulumi.yaml, never further, for the project's
 * package.json, then in that package's own `node_modules/telephony-config`, or at the package itself
 * when it is this one. Never through Node's lookup of parent directories, NODE_PATH or ~/.node_modules,
 * where a planted package would be handed the API token. What it finds must be named
 * `telephony-config`; anything else fails closed, saying what was found and how to install it.
 *
 * One line, with short names: the text is stored twice per resource (inputs and outputs), and the
 * file backend rewrites the whole checkpoint twice per step (the step pending, then done), so each
 * byte here is written O(n²) times in an operation over n resources (the earlier, indented text,
 * 1.2 kB, cost `pulumi up` of 200 configurations about a second of engine CPU more than this one).
 * Spelled out:
 *   project = the first of cwd and its parents with package.json, Pulumi.yaml or Pulumi.yml (or the root);
 *   for root of [project/node_modules/telephony-config, project]:
 *     name of root/package.json is "telephony-config" → createRequire(it)("telephony-config/provider-runtime").provider;
 *   else throw "telephony-config is not installed in the project at <project> (<what was found>): run npm install …".
 * State written before keeps the earlier text until its resource is next written: the host loads that
 * as a second module, which reaches the same code (its configure() keeps the operation's runtime).
 */
export const PROVIDER_MODULE =
  'exports.handler=()=>{const{dirname:d,join:j}=require("path"),f=require("fs"),h=(x)=>f.existsSync(x);let p=process.cwd();' +
  'while(!h(j(p,"package.json"))&&!h(j(p,"Pulumi.yaml"))&&!h(j(p,"Pulumi.yml"))&&d(p)!==p)p=d(p);' +
  'const s=[];for(const r of[j(p,"node_modules","telephony-config"),p]){const k=j(r,"package.json");let n;' +
  'try{n=JSON.parse(f.readFileSync(k,"utf8")).name}catch{continue}' +
  'if(n==="telephony-config")return require("module").createRequire(k)("telephony-config/provider-runtime").provider;' +
  's.push(k+" is "+JSON.stringify(n))}' +
  'throw new Error("telephony-config is not installed in the project at "+p+(s.length?" ("+s.join("; ")+")":"")+": run npm install telephony-config there")};';

/**
 * The resource's name in its stack, as a mark records it: its key at the top level (a YAML
 * declaration's), else qualified by its parent's URN, since a name is unique only under one parent.
 */
const ownedName = (name: string, parent: pulumi.Resource | undefined): pulumi.Input<string> =>
  parent ? parent.urn.apply((urn) => `${urn}::${name}`) : name;

/** The names an alias gives (a key renamed with formerKeys): the configuration may carry one in its mark. */
function formerNames(aliases: pulumi.CustomResourceOptions["aliases"]): { formerly?: string[] } {
  const names = (aliases ?? []).flatMap((alias) =>
    typeof alias === "object" && typeof (alias as pulumi.Alias).name === "string"
      ? [(alias as pulumi.Alias).name as string]
      : [],
  );
  return names.length ? { formerly: names } : {};
}

export interface ProviderConfigurationArgs {
  /** Name shown in the platform (not guaranteed unique by the API). */
  name: pulumi.Input<string>;
  /** Provider id from the catalogue (3 Twilio, 4 LiveKit, …). Changing it replaces the configuration. */
  provider: pulumi.Input<number>;
  /** Default true. */
  active?: pulumi.Input<boolean>;
  /** Stored as a secret, whatever is passed. */
  apiKey?: pulumi.Input<string>;
  /** Stored as a secret, whatever is passed. */
  apiSecret?: pulumi.Input<string>;
  baseUrl?: pulumi.Input<string>;
  sipUrl?: pulumi.Input<string>;
  /** Sent as meta_json. Changing it replaces the configuration. */
  meta?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Adopt the existing configuration with this id instead of creating one (Pulumi's `import` option
   * does not work for dynamic resources): its writable fields are PATCHed to match, and adoption fails
   * if `provider` or `meta` differ. Only read when the resource is created.
   */
  importId?: pulumi.Input<number>;
}

/**
 * Deleting first would leave the organization without the configuration, and lose the secrets its
 * replacement carries over; the engine does not tell the provider a forced replacement (`--replace`)
 * is one, so the option is refused where the resource is declared.
 */
export function refuseDeleteBeforeReplace(name: string, opts: pulumi.CustomResourceOptions | undefined): void {
  if (opts?.deleteBeforeReplace)
    throw new Error(
      `${name}: deleteBeforeReplace is not supported: a replacement creates the new configuration first, then deletes the old one`,
    );
}

const secret = (value: pulumi.Input<string> | undefined) => (value === undefined ? undefined : pulumi.secret(value));

/** The properties registered: every output is named, so that each one exists on the resource even when not declared. */
function registered(name: string, args: ProviderConfigurationArgs, opts: pulumi.CustomResourceOptions | undefined) {
  return {
    __provider: PROVIDER_MODULE,
    name: args.name,
    provider: args.provider,
    // Defaults spelled out, as read reports them, so that a refresh shows no change for them.
    active: args.active ?? true,
    apiKey: secret(args.apiKey),
    apiSecret: secret(args.apiSecret),
    baseUrl: args.baseUrl,
    sipUrl: args.sipUrl,
    meta: args.meta ?? {},
    importId: args.importId,
    // Written into every configuration it creates (meta_json), so that any stack can tell whose it is.
    owner: {
      stack: stackId(pulumi.getProject(), pulumi.getStack()),
      resource: ownedName(name, opts?.parent),
      ...formerNames(opts?.aliases),
    },
    providerDetails: undefined,
    orgHandle: undefined,
    apiUrl: undefined,
    mark: undefined,
  };
}

/**
 * A telephony provider configuration, managed through the Provider Configurations API.
 *
 * A dynamic resource, served by Pulumi's dynamic provider host (`pulumi-nodejs`) like any
 * `pulumi.dynamic.Resource`, with the type `pulumi-nodejs:dynamic/telephony:ProviderConfiguration`;
 * it passes its own `__provider` module (above) instead of a serialized closure.
 */
export class ProviderConfiguration extends ConfigurationResource {
  constructor(name: string, args: ProviderConfigurationArgs, opts?: pulumi.CustomResourceOptions) {
    refuseDeleteBeforeReplace(name, opts);
    const props = registered(name, args, opts);
    super(RESOURCE_TYPE, name, props, { ...opts, additionalSecretOutputs: ["apiKey", "apiSecret"] });
  }
}
