// The large-stack mode. Pulumi's engine writes a stack's whole state after every step, so an operation
// over n resources writes O(n²) bytes; with PULUMI_SKIP_CHECKPOINTS it writes the state once, at the end,
// and a run cut off (kill -9, a runner lost) leaves none of its progress in the state. This project's
// configurations find what such a run did by their ownership marks; another provider's resources may
// be created twice or left behind. So a stack opts in (telephony:largeStack), and only a stack that holds
// nothing else: the provider, the program and reconcile --apply refuse the rest.

export const LARGE_STACK_KEY = "telephony:largeStack";
export const SKIP_CHECKPOINTS = "PULUMI_SKIP_CHECKPOINTS";

/** Whether a Pulumi CLI run with `env` skips its intermediate checkpoints: the variable read as the CLI reads it. */
export function checkpointsSkipped(env: Record<string, string | undefined>): boolean {
  const value = env[SKIP_CHECKPOINTS];
  return value === "1" || value?.toLowerCase() === "true";
}

/** Whether the stack opts into the large-stack mode: `telephony:largeStack`, true or false (the default). */
export function largeStackOptIn(value: string | undefined): boolean {
  const text = value?.trim().toLowerCase();
  if (text === undefined || text === "" || text === "false") return false;
  if (text === "true") return true;
  throw new Error(`${LARGE_STACK_KEY} must be true or false`);
}

/**
 * Refuses to serve a run that skips checkpoints on a stack that has not opted in: nothing of the run
 * may be written, since nothing of it could be recovered for the stack's other resources.
 */
export function refuseUnoptedSkip(optIn: string | undefined, env: Record<string, string | undefined>): void {
  if (largeStackOptIn(optIn) || !checkpointsSkipped(env)) return;
  throw new Error(
    `the Pulumi CLI skips its checkpoints (${SKIP_CHECKPOINTS}) but this stack has not opted into the large-stack mode, ` +
      "so nothing was written: a run cut off would leave none of its progress in the state, which only a stack of telephony " +
      `configurations recovers from. For a stack that holds nothing else: pulumi config set ${LARGE_STACK_KEY} true. ` +
      `Otherwise unset ${SKIP_CHECKPOINTS}.`,
  );
}
