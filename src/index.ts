export { ProviderConfiguration, type ProviderConfigurationArgs } from "./pulumi/resource.js";
export * from "./client/index.js";
export { declareConfigurations, type ExportedConfiguration } from "./stack/program.js";
