// Which errors are this package's bugs. A host shows those with their stack trace, where the fix is;
// every other error (settings, the API's answers, the network, a refusal of the runtime) is a message
// for the user, who fixes it from what it says: a stack trace there is noise.

// The errors JavaScript itself throws for a mistake in the code.
const MISTAKES = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

export const isBug = (error: unknown): boolean =>
  !(error instanceof Error) || MISTAKES.some((kind) => error instanceof kind);
