// One engine operation: its settings, its client and what it learns (the ledger). Made anew by each
// configure, so nothing one operation learns reaches another.
import type { TelephonyClient } from "../client/client.js";
import { redact } from "../client/redact.js";
import type { ConfigurationOutputs } from "../model/index.js";
import { clientFor, normaliseApiUrl, type ApiSettings } from "../settings/settings.js";
import { isBug } from "./bug.js";
import { apiRelation, otherApiMessage } from "./identity.js";
import { Ledger } from "./ledger.js";
import type { Listing } from "./listing.js";

export class Operation {
  readonly ledger = new Ledger();
  private client: TelephonyClient | undefined;

  constructor(
    /** An error is reported by the first call that needs the API: check and diff do not. */
    private readonly resolved: ApiSettings | Error,
    readonly notice: (message: string) => void,
  ) {}

  /** The settings, when they resolved. */
  get settings(): ApiSettings | undefined {
    return this.resolved instanceof Error ? undefined : this.resolved;
  }

  configured(): ApiSettings {
    if (this.resolved instanceof Error) throw this.resolved;
    return this.resolved;
  }

  api(): TelephonyClient {
    this.client ??= clientFor(this.configured(), () =>
      this.notice("rate limited by the API: pacing all requests to the rate it allows"),
    );
    return this.client;
  }

  /** The configured API, as a configuration's identity records it. */
  here(): string {
    return normaliseApiUrl(this.configured().apiUrl);
  }

  orgOf(state: Partial<ConfigurationOutputs>): string {
    return state.orgHandle || this.configured().orgHandle;
  }

  /**
   * The client for an existing configuration: at the API its state records and in its organization,
   * whatever organization is configured now. A configuration recorded at another API is never reached
   * through this one: the error says what changed, and nothing is sent.
   */
  apiFor(id: string, state: Partial<ConfigurationOutputs>): TelephonyClient {
    if (apiRelation(state.apiUrl, this.configured()) === "other")
      throw new Error(otherApiMessage(id, state, this.configured().apiUrl));
    return this.api().inOrganization(this.orgOf(state));
  }

  /** An organization's configurations, listed and indexed once per operation. */
  listed(orgHandle: string): Promise<Listing> {
    return this.ledger.list(orgHandle, () => this.api().inOrganization(orgHandle).list());
  }

  /**
   * Errors leave the runtime as plain messages, with every secret this call knew masked; a bug keeps
   * its kind and its stack trace (masked too), which say where to fix it.
   */
  async guarded<T>(secrets: Array<string | undefined>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const known = [this.settings?.apiToken, ...secrets];
      if (error instanceof Error && isBug(error)) {
        error.message = redact(error.message, known);
        error.stack = error.stack && redact(error.stack, known);
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      // eslint-disable-next-line preserve-caught-error -- the cause would carry the secrets this masks
      throw new Error(redact(message, known));
    }
  }
}
