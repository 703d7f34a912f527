/** The resource's type token: served by Pulumi's dynamic provider host, `pulumi-nodejs`. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/telephony:ProviderConfiguration";
