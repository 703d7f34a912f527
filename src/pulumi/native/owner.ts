// Who holds a native resource, from its URN (the engine names no parent to a provider): the
// resource's name at the top of its stack, as the dynamic resource and a YAML declaration's key
// record it, else its whole URN, which is unique in the stack.
import { stackId, type Owner } from "../../model/index.js";

/** `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`. */
export function ownerOf(urn: string): Owner {
  const [head = "", project = "", types = "", ...rest] = urn.split("::");
  const stack = head.replace(/^urn:pulumi:/, "");
  const name = rest.join("::");
  if (!stack || !project || !types || !name) throw new Error(`not a resource URN: ${JSON.stringify(urn)}`);
  return { stack: stackId(project, stack), resource: types.includes("$") ? urn : name, host: "native" };
}
