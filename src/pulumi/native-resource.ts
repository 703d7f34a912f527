import * as pulumi from "@pulumi/pulumi";
import type { ProviderDetails } from "../client/contract.js";
import { packageVersion } from "../client/version.js";
import { NATIVE_RESOURCE_TYPE } from "../model/index.js";
import { refuseDeleteBeforeReplace, type ProviderConfigurationArgs } from "./resource.js";

const secret = (value: pulumi.Input<string> | undefined) => (value === undefined ? undefined : pulumi.secret(value));

/**
 * A telephony provider configuration served by this package's native plugin
 * (`telephony:index:ProviderConfiguration`, pulumi-resource-telephony): what the YAML declarations'
 * program registers for a stack with `telephony:plugin: native`. The plugin finds the resource's
 * stack and key in its URN; the generated SDKs (sdk/) declare the same type in any language.
 */
export class NativeProviderConfiguration extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly provider: pulumi.Output<number>;
  declare readonly providerDetails: pulumi.Output<ProviderDetails | null>;
  declare readonly orgHandle: pulumi.Output<string>;
  declare readonly apiUrl: pulumi.Output<string>;
  declare readonly mark: pulumi.Output<string | undefined>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly apiKey: pulumi.Output<string>;
  declare readonly apiSecret: pulumi.Output<string>;
  declare readonly baseUrl: pulumi.Output<string>;
  declare readonly sipUrl: pulumi.Output<string>;
  declare readonly meta: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ProviderConfigurationArgs, opts?: pulumi.CustomResourceOptions) {
    refuseDeleteBeforeReplace(name, opts);
    const props = {
      name: args.name,
      provider: args.provider,
      active: args.active,
      apiKey: secret(args.apiKey),
      apiSecret: secret(args.apiSecret),
      baseUrl: args.baseUrl,
      sipUrl: args.sipUrl,
      meta: args.meta,
      importId: args.importId,
      providerDetails: undefined,
      orgHandle: undefined,
      apiUrl: undefined,
      mark: undefined,
      instance: undefined,
    };
    super(NATIVE_RESOURCE_TYPE, name, props, {
      version: packageVersion,
      ...opts,
      additionalSecretOutputs: ["apiKey", "apiSecret"],
    });
  }
}
