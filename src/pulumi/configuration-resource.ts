import * as pulumi from "@pulumi/pulumi";
import type { ProviderDetails } from "../client/contract.js";

/**
 * What a provider configuration resource outputs, whichever provider serves it: the dynamic resource
 * (`ProviderConfiguration`) and the native plugin's (`NativeProviderConfiguration`) differ only in
 * their type and in what they register.
 */
export abstract class ConfigurationResource extends pulumi.CustomResource {
  /**
   * Pulumi formats a stack trace for every promise it makes for a property (kept for its report of
   * leaked promises), through the program's source maps: for a configuration's fifteen properties that
   * cost more than its create (the native resource, registered with them, made `up` of 1,000
   * configurations 1.7× the dynamic one's, all of it in the program). None is kept here; the
   * resource's source position has its own trace. An error thrown in that window gets its trace again,
   * from the line that made the resource. One the engine reports later ("failed to register new
   * resource <name>") comes without a trace: its message names the resource.
   */
  protected constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(type, name, props, opts);
    } catch (error) {
      Error.stackTraceLimit = stackTraceLimit;
      if (error instanceof Error) Error.captureStackTrace(error, new.target);
      throw error;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

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
