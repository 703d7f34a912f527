export { ProviderConfiguration, type ProviderConfigurationArgs } from "./provider/resource.js";
export * from "./client/index.js";
export { declareConfigurations, type ExportedConfiguration } from "./stack/program.js";
