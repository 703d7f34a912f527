// A server in front of the API that answers some requests itself, as a misrouted proxy or ingress does.
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxyAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface Proxy {
  url: string;
  close(): Promise<void>;
}

/** Forwards to `target` every request `intercept` leaves alone (undefined); answers the others itself. */
export async function startProxy(
  target: string,
  intercept: (req: IncomingMessage) => ProxyAnswer | undefined,
): Promise<Proxy> {
  const server = createServer((req, res) => {
    const answer = intercept(req);
    if (answer) {
      res.writeHead(answer.status, { "content-type": answer.contentType }).end(answer.body);
      return;
    }
    const upstream = request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
