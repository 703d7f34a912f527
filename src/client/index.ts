export { TelephonyClient } from "./client.js";
export type { ClientOptions } from "./transport.js";
export type { SettingNames } from "./hints.js";
export * from "./contract.js";
export {
  TelephonyApiError,
  TelephonyNetworkError,
  isBadRequest,
  isForbidden,
  isNotFound,
  isOutcomeUnknown,
  isRateLimited,
  isUnauthorized,
  type TelephonyError,
} from "./errors.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
