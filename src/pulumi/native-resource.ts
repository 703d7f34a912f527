import * as pulumi from "@pulumi/pulumi";
import { packageVersion } from "../client/version.js";
import { NATIVE_RESOURCE_TYPE } from "../model/index.js";
import { ConfigurationResource } from "./configuration-resource.js";
import { refuseDeleteBeforeReplace, type ProviderConfigurationArgs } from "./resource.js";

const secret = (value: pulumi.Input<string> | undefined) => (value === undefined ? undefined : pulumi.secret(value));

/**
 * A telephony provider configuration served by this package's native plugin
 * (`telephony:index:ProviderConfiguration`, pulumi-resource-telephony): what the YAML declarations'
 * program registers for a stack with `telephony:plugin: native`. The plugin finds the resource's
 * stack and key in its URN; the generated SDKs (sdk/) declare the same type in any language.
 */
export class NativeProviderConfiguration extends ConfigurationResource {
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
