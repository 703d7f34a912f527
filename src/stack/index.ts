// The YAML program (`telephony-config/stack`): declarations from stack config `telephony:declarations`
// (a path or a list of paths), relative to the project (where Pulumi.yaml is), default ./telephony. A project of one's own runs it
// with a one-line entry file: export { configurations } from "telephony-config/stack";
import * as pulumi from "@pulumi/pulumi";
import { configuredPaths } from "../declarations/load.js";
import { declareConfigurations } from "./program.js";

const paths = (() => {
  try {
    return configuredPaths(new pulumi.Config("telephony").get("declarations"));
  } catch (error) {
    throw new pulumi.RunError((error as Error).message);
  }
})();

export const configurations = declareConfigurations(paths);
