// The program's side of the large-stack mode (src/settings/large-stack.ts): with checkpoints skipped, a
// stack that has not opted in registers nothing, and one that has registers nothing but configurations.
import * as pulumi from "@pulumi/pulumi";
import { isLargeStackType } from "../model/index.js";
import { checkpointsSkipped, LARGE_STACK_KEY, refuseUnoptedSkip } from "../settings/large-stack.js";

/**
 * Called before the program registers anything. The transform sees every resource the program registers
 * after it, components' children included (one registered earlier in a program of one's own is not
 * seen), and refuses it at the engine: the update fails, and the state written at its end holds what
 * it did (a failed update is not an interrupted one).
 */
let transformed = false;
export function guardLargeStack(): void {
  try {
    refuseUnoptedSkip(pulumi.runtime.getConfig(LARGE_STACK_KEY), process.env);
  } catch (error) {
    throw new pulumi.RunError((error as Error).message);
  }
  if (!checkpointsSkipped(process.env) || transformed) return;
  transformed = true;
  pulumi.runtime.registerResourceTransform(({ type, name, custom }) => {
    if (isLargeStackType(type, custom)) return undefined;
    throw new pulumi.RunError(
      `${name} (${type}) is not a telephony configuration, and this stack runs in the large-stack mode ` +
        `(${LARGE_STACK_KEY}, checkpoints skipped), which only telephony configurations recover from: it was not created, and the update fails. ` +
        "Declare it in another stack, or run this one with checkpoints (unset PULUMI_SKIP_CHECKPOINTS).",
    );
  });
}
