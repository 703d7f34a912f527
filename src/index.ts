export { ProviderConfiguration, type ProviderConfigurationArgs } from "./provider/resource.js";
export * from "./client/index.js";
