// Where reconcile --apply runs pulumi up in the large-stack mode (src/settings/large-stack.ts): the
// stacks that opt in, once their state shows nothing of another provider's.
import { LARGE_STACK_KEY, largeStackOptIn, SKIP_CHECKPOINTS } from "../settings/large-stack.js";

/** The environment `pulumi up` gets for a stack: checkpoints skipped where it opts in. Pure. */
export function largeStackEnv(stack: {
  name: string;
  config: Record<string, string>;
  otherTypes: readonly string[];
}): Record<string, string> {
  if (!largeStackOptIn(stack.config[LARGE_STACK_KEY])) return {};
  if (stack.otherTypes.length)
    throw new Error(
      `stack ${stack.name} opts into the large-stack mode (${LARGE_STACK_KEY}), but its state holds resources of other providers ` +
        `(${stack.otherTypes.join(", ")}), which an interrupted run without checkpoints could leave behind or create twice: ` +
        `nothing was changed. Move them to another stack, or unset ${LARGE_STACK_KEY}.`,
    );
  return { [SKIP_CHECKPOINTS]: "true" };
}
