// The model of a configuration: its field table and what derives from it.
export * from "./compare.js";
export * from "./configuration.js";
export * from "./json-schemas.js";
export * from "./mapping.js";
export * from "./ownership.js";
export * from "./patch.js";
export * from "./provider-catalogue.js";
export * from "./resource-type.js";
export * from "./package-schema.js";
