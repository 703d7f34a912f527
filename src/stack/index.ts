// The YAML program (`telephony-config/stack`): declarations from stack config `telephony:declarations`
// (a path or a list of paths), relative to the project (where Pulumi.yaml is), default ./telephony.
// A project of one's own runs it with a one-line entry file:
//   export { configurations } from "telephony-config/stack";
import * as pulumi from "@pulumi/pulumi";
import { configuredPaths, DECLARATIONS_NOT_SECRET } from "../declarations/load.js";
import { declareConfigurations, isSecretConfig } from "./program.js";

const paths = (() => {
  try {
    if (isSecretConfig("telephony:declarations")) throw new Error(DECLARATIONS_NOT_SECRET);
    return configuredPaths(pulumi.runtime.getConfig("telephony:declarations"));
  } catch (error) {
    throw new pulumi.RunError((error as Error).message);
  }
})();

export const configurations = declareConfigurations(paths);
