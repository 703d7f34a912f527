import {
  COLLECTION_PATH,
  itemPath,
  PATCHABLE_FIELDS,
  SECRET_FIELDS,
  type CreateConfigurationInput,
  type Configuration,
  type UpdateConfigurationInput,
} from "./contract.js";
import { isConfiguration } from "./answer-check.js";
import { TelephonyApiError } from "./errors.js";
import { Transport, type ClientOptions } from "./transport.js";

/** Typed operations of the Provider Configurations API. Knows HTTP and the contract, nothing of Pulumi. */
export class TelephonyClient {
  readonly #options: ClientOptions;
  readonly #transport: Transport;
  /** Set on a view made by inOrganization: the organization its calls act in. */
  readonly #orgHandle: string | undefined;

  constructor(options: ClientOptions, shared?: { transport: Transport; orgHandle: string }) {
    this.#options = options;
    this.#transport = shared?.transport ?? new Transport(options);
    this.#orgHandle = shared?.orgHandle;
  }

  /**
   * The same client, acting in another organization (its Org-Handle), on the same connections. An
   * existing configuration is always reached in the organization it belongs to, whatever the client
   * is configured with now. Closing the view closes the client.
   */
  inOrganization(orgHandle: string): TelephonyClient {
    return new TelephonyClient(this.#options, { transport: this.#transport, orgHandle });
  }

  async list(): Promise<Configuration[]> {
    const data = await this.#send<unknown>({ operation: "list", method: "GET", path: COLLECTION_PATH });
    if (!Array.isArray(data)) throw this.#broken("GET", COLLECTION_PATH, "data is not an array");
    return data.map((item, i) => this.#checked(item, "GET", COLLECTION_PATH, `/data/${i}`));
  }

  async create(input: CreateConfigurationInput): Promise<Configuration> {
    const data = await this.#send<unknown>({
      operation: "create",
      method: "POST",
      path: COLLECTION_PATH,
      body: input,
      secrets: SECRET_FIELDS.map((f) => input[f]),
    });
    return this.#checked(data, "POST", COLLECTION_PATH);
  }

  async get(id: number): Promise<Configuration> {
    const path = itemPath(id);
    return this.#checked(await this.#send<unknown>({ operation: "get", method: "GET", path }), "GET", path);
  }

  /** PATCHes exactly the fields given; anything not writable on PATCH is refused before sending. */
  async update(id: number, changes: UpdateConfigurationInput): Promise<Configuration> {
    const path = itemPath(id);
    const extra = Object.keys(changes).filter((k) => !(PATCHABLE_FIELDS as readonly string[]).includes(k));
    if (extra.length) throw new Error(`update of ${path}: ${extra.join(", ")} cannot be changed by PATCH`);
    const data = await this.#send<unknown>({
      operation: "update",
      method: "PATCH",
      path,
      body: changes,
      secrets: SECRET_FIELDS.map((f) => changes[f]),
    });
    return this.#checked(data, "PATCH", path);
  }

  async delete(id: number): Promise<void> {
    await this.#send<unknown>({ operation: "delete", method: "DELETE", path: itemPath(id) });
  }

  #send<T>(request: Parameters<Transport["send"]>[0]): Promise<T> {
    return this.#transport.send<T>({ ...request, orgHandle: this.#orgHandle });
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  #checked(data: unknown, method: string, path: string, at = "/data"): Configuration {
    if (isConfiguration(data)) return data;
    const first = isConfiguration.errors?.[0];
    const where = `${at}${first?.instancePath ?? ""}`;
    // Secrets of a malformed object may still be in it: mask them before they reach a message.
    const secrets = [this.#options.token, ...SECRET_FIELDS.map((f) => (data as Partial<Configuration> | null)?.[f])];
    throw new TelephonyApiError(
      {
        method,
        path,
        url: this.#transport.urlOf(path),
        status: 200,
        attempts: 1,
        serverMessage: `the answer breaks the contract: ${where} ${first?.message ?? "is invalid"}`,
      },
      secrets,
    );
  }

  #broken(method: string, path: string, reason: string): TelephonyApiError {
    return new TelephonyApiError(
      {
        method,
        path,
        url: this.#transport.urlOf(path),
        status: 200,
        attempts: 1,
        serverMessage: `the answer breaks the contract: ${reason}`,
      },
      [this.#options.token],
    );
  }
}
