/** The dynamic resource's type token: served by Pulumi's dynamic provider host, `pulumi-nodejs`. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/telephony:ProviderConfiguration";

/** The native resource's type token: served by this package's plugin, pulumi-resource-telephony. */
export const NATIVE_RESOURCE_TYPE = "telephony:index:ProviderConfiguration";

/** Whether a resource of type `type` is a configuration, served by either host (telephony-config migrate moves one to the other). */
export const isConfigurationType = (type: string): boolean => type === RESOURCE_TYPE || type === NATIVE_RESOURCE_TYPE;

/**
 * Whether a resource of the type may be in a stack in the large-stack mode (telephony:largeStack): a
 * configuration of either host, the providers that serve them, or a component, which nothing writes.
 */
export const isLargeStackType = (type: string, custom: boolean): boolean =>
  !custom ||
  isConfigurationType(type) ||
  type === "pulumi:providers:telephony" ||
  type === "pulumi:providers:pulumi-nodejs";
