import * as pulumi from "@pulumi/pulumi";
import type { ProviderDetails } from "../client/contract.js";

/**
 * What a provider configuration resource outputs, whichever provider serves it: the dynamic resource
 * (`ProviderConfiguration`) and the native plugin's (`NativeProviderConfiguration`) differ only in
 * their type and in what they register.
 */
export abstract class ConfigurationResource extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly provider: pulumi.Output<number>;
  declare readonly providerDetails: pulumi.Output<ProviderDetails | null>;
  declare readonly orgHandle: pulumi.Output<string>;
  /** The API the configuration lives at: its normalised base URL. */
  declare readonly apiUrl: pulumi.Output<string>;
  /** The ownership mark the configuration carries (meta_json `telephony-config:owner`); unset on an adopted one. */
  declare readonly mark: pulumi.Output<string | undefined>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly apiKey: pulumi.Output<string>;
  declare readonly apiSecret: pulumi.Output<string>;
  declare readonly baseUrl: pulumi.Output<string>;
  declare readonly sipUrl: pulumi.Output<string>;
  declare readonly meta: pulumi.Output<Record<string, string>>;
}
