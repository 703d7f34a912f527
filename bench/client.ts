// npm run bench:client — the client against a plain load generator (autocannon), same server, same run.
import autocannon from "autocannon";
import { TelephonyClient } from "../src/client/index.js";
import { itemPath } from "../src/client/contract.js";
import { startServerThread } from "./server-thread.js";

const SEQUENTIAL = 2_000;
const IN_FLIGHT = 32;
const SECONDS = 5;
// The client's pool matches the requests in flight, as autocannon's connections do.
const POOL = IN_FLIGHT;

const server = await startServerThread();
const headers = { authorization: "Token bench-token", "org-handle": "bench-org", "product-id": "1" };
const client = new TelephonyClient({
  baseUrl: server.url,
  token: "bench-token",
  orgHandle: "bench-org",
  productId: 1,
  connections: POOL,
});
const { id } = await client.create({ name: "bench", provider: 3, api_key: "k", api_secret: "s" });
const path = itemPath(id);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// Sequential latency, client.
for (let i = 0; i < 200; i++) await client.get(id); // warm-up
const latencies: number[] = [];
for (let i = 0; i < SEQUENTIAL; i++) {
  const started = performance.now();
  await client.get(id);
  latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);

// Throughput at IN_FLIGHT, client.
const connectionsBefore = await server.ask<number>("connections");
let done = 0;
const until = performance.now() + SECONDS * 1000;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (performance.now() < until) {
      await client.get(id);
      done++;
    }
  }),
);
const clientRps = done / SECONDS;
const clientConnections = (await server.ask<number>("connections")) - 0;
await client.close();

// The same two measurements with autocannon.
const sequential = await autocannon({ url: server.url + path, headers, connections: 1, amount: SEQUENTIAL });
const loaded = await autocannon({ url: server.url + path, headers, connections: IN_FLIGHT, duration: SECONDS });
await server.close();

const ms = (v: number) => `${v.toFixed(2)} ms`;
console.log(`bench:client — GET ${path} on the local server (own thread), loopback, one run`);
console.log(`sequential GET latency (${SEQUENTIAL} requests)`);
const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
console.log(
  `  client      median ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}  mean ${ms(mean)}`,
);
console.log(
  `  autocannon  median ${ms(sequential.latency.p50)}  p99 ${ms(sequential.latency.p99)}  (whole-millisecond resolution; mean ${ms(sequential.latency.average)})`,
);
console.log(`throughput, ${IN_FLIGHT} requests in flight, ${SECONDS} s`);
console.log(`  client      ${clientRps.toFixed(0)} req/s (pool of ${POOL} connections)`);
console.log(`  autocannon  ${loaded.requests.average.toFixed(0)} req/s (${IN_FLIGHT} connections)`);
console.log(`  ratio       client / autocannon = ${(clientRps / loaded.requests.average).toFixed(2)} (goal >= 0.70)`);
console.log(
  `TCP connections the client opened in all: ${clientConnections} (pool size ${POOL}; ${connectionsBefore} before the loaded phase)`,
);
if (loaded.errors || loaded.non2xx) console.log(`autocannon errors: ${loaded.errors}, non-2xx: ${loaded.non2xx}`);
