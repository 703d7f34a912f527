import { TelephonyClient, type ClientOptions } from "../../src/client/index.js";
import { startApiServer, type RunningServer, type ServerOptions } from "../../src/server/server.js";

export const TOKEN = "dev-token-0c4f9e";

export interface Api {
  server: RunningServer;
  client: TelephonyClient;
  /** Another client on the same server, with other settings. */
  clientWith(options: Partial<ClientOptions>): TelephonyClient;
  close(): Promise<void>;
}

/** A local API server on loopback and a client for it, with short retry delays. */
export async function startApi(
  serverOptions: ServerOptions = {},
  clientOptions: Partial<ClientOptions> = {},
): Promise<Api> {
  const server = await startApiServer({ tokens: { [TOKEN]: ["dev-org", "other-org"] }, ...serverOptions });
  const clients: TelephonyClient[] = [];
  const clientWith = (options: Partial<ClientOptions>) => {
    const client = new TelephonyClient({
      baseUrl: server.url,
      token: TOKEN,
      orgHandle: "dev-org",
      productId: 7,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
      ...clientOptions,
      ...options,
    });
    clients.push(client);
    return client;
  };
  const client = clientWith({});
  return {
    server,
    client,
    clientWith,
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    },
  };
}
