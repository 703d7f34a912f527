// The program of the repo-root Pulumi.yaml: declarations from stack config `telephony:declarations`.
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { declareConfigurations } from "./program.js";

// Relative to the project (where Pulumi.yaml is): the program itself runs in the directory of `main`.
const source = resolve(pulumi.runtime.getRootDirectory(), new pulumi.Config("telephony").get("declarations") ?? "telephony");

export const configurations = declareConfigurations(source);
