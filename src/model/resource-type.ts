/** The dynamic resource's type token: served by Pulumi's dynamic provider host, `pulumi-nodejs`. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/telephony:ProviderConfiguration";

/** The native resource's type token: served by this package's plugin, pulumi-resource-telephony. */
export const NATIVE_RESOURCE_TYPE = "telephony:index:ProviderConfiguration";
