// What a failed call tells its user to do: the setting to fix, named as the caller named it
// (`ClientOptions.settingNames`), never its value. Decided by status and error code, never by the text
// of a message.

/** How errors name the settings a user fixes, and where each value came from. */
export interface SettingNames {
  /** e.g. `the environment variable TELEPHONY_API_URL` */
  baseUrl?: string | undefined;
  token?: string | undefined;
  orgHandle?: string | undefined;
}

/** Where the client sends: its base URL, taken apart. */
export interface Destination {
  /** scheme, host and port: `http://127.0.0.1:8080` */
  origin: string;
  /** the base URL's path, without trailing slashes ("" for none) */
  basePath: string;
  /** the organization the client is configured with */
  orgHandle: string | undefined;
  names: SettingNames;
}

// The answer to a TLS ClientHello was not TLS: a plain-HTTP server (its "HTTP/1.1 400" read as a record).
const NOT_TLS = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG"]);

/** A network failure that trying again cannot mend: the client speaks TLS to a server that does not. */
export const isLasting = (code: string | undefined): boolean => code !== undefined && NOT_TLS.has(code);

// How a server that speaks only TLS meets a plain-HTTP request: it closes the connection unanswered.
const CLOSED = new Set(["UND_ERR_SOCKET", "ECONNRESET"]);

/** Whether to ask the server if it speaks TLS: a plain-HTTP request it closed unanswered. */
export const mayBeTls = (to: Destination, code: string | undefined): boolean =>
  to.origin.startsWith("http:") && code !== undefined && CLOSED.has(code);

/**
 * What to do after a network failure with error `code`, if the code says; `tls` when the server,
 * asked after an unanswered plain-HTTP request, speaks TLS.
 */
export function networkHint(to: Destination, code: string | undefined, tls = false): string | undefined {
  const { host } = new URL(to.origin);
  const use = (url: string) => (to.names.baseUrl ? `set ${to.names.baseUrl} to ${url}` : `use ${url}`);
  if (isLasting(code))
    return `the server at ${host} does not speak TLS (https): ${use(`http://${host}${to.basePath}`)}`;
  if (tls) return `the server at ${host} speaks TLS (https), not plain HTTP: ${use(`https://${host}${to.basePath}`)}`;
  return undefined;
}

/**
 * What to do after an error status: `foreign` when the answer was not the API's envelope, `orgHandle`
 * the organization the call acted in.
 */
export function statusHint(
  to: Destination,
  answer: { status: number; foreign: boolean; orgHandle: string | undefined; collection: boolean },
): string | undefined {
  const { names } = to;
  const token = names.token ?? "the API token";
  // A base URL with a path is right behind a proxy that serves the API under it, so this is a hint:
  // only when the answer says there is no such path: a 404 for the collection (always there), or one
  // that did not come from the API. An item's 404 from the API is its "no such configuration"; a
  // gateway's 5xx page is an outage, not a wrong address.
  if (to.basePath && answer.status === 404 && (answer.collection || answer.foreign)) {
    const base = to.origin + to.basePath;
    return (
      `${names.baseUrl ?? "the base URL"} is ${base}, with a path (${to.basePath}) that comes before every path of the API: ` +
      `it should be the server's address without a path (${to.origin}), unless a proxy serves the API under ${to.basePath}`
    );
  }
  if (answer.foreign) return undefined;
  if (answer.status === 401) return `the API did not accept the token: check ${token}`;
  if (answer.status === 403) {
    const org = answer.orgHandle ? `organization ${answer.orgHandle}` : "the organization";
    // A call in another organization than the configured one reaches a configuration where it was made.
    if (answer.orgHandle !== to.orgHandle)
      return `the token has no access to ${org}, where this configuration is: check that ${token} is a token of that organization`;
    return `the token has no access to ${org}: check ${names.orgHandle ?? "the org handle"}, or that ${token} is a token of that organization`;
  }
  return undefined;
}
