// Runs the local API server on its own thread, so that the load generators in the main thread do
// not share its event loop. Answers "connections" messages with the count of accepted connections.
import { parentPort } from "node:worker_threads";
import { startServer } from "../src/server/server.js";

const server = await startServer({ tokens: { "bench-token": ["bench-org"] } });
parentPort!.on("message", (message: string) => {
  if (message === "connections") parentPort!.postMessage({ connections: server.connections() });
  if (message === "requests") parentPort!.postMessage({ requests: server.requests.length });
  if (message === "close") void server.close().then(() => process.exit(0));
});
parentPort!.postMessage({ url: server.url });
