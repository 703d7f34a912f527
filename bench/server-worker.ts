// Runs the local API server on its own thread, so that the load generators in the main thread do
// not share its event loop. Answers "connections" messages with the count of accepted connections.
import { parentPort, workerData } from "node:worker_threads";
import { startApiServer } from "../src/server/server.js";

const { rateLimit, orgs } = workerData as { rateLimit?: { rate: number; burst: number }; orgs: string[] };
const server = await startApiServer({ tokens: { "bench-token": orgs }, ...(rateLimit ? { rateLimit } : {}) });
parentPort!.on("message", (message: string) => {
  if (message === "connections") parentPort!.postMessage({ connections: server.connections() });
  if (message === "requests") parentPort!.postMessage({ requests: server.requests.length });
  if (message === "refused")
    parentPort!.postMessage({ refused: server.requests.filter((r) => r.status === 429).length });
  if (message === "close") void server.close().then(() => process.exit(0));
});
parentPort!.postMessage({ url: server.url });
