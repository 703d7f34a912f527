// pulumi-resource-telephony: the native Pulumi plugin of the package `telephony`. The engine starts it
// (plugin/pulumi-resource-telephony), reads the port it prints, and drives the one provider runtime
// through it over Pulumi's provider protocol.
import { fstatSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { rpc } from "./protocol.js";
import { resourceProvider } from "./service.js";

const packageRoot = dirname(createRequire(import.meta.url).resolve("telephony-config/package.json"));

/** Lines on stderr reach the output of `pulumi up` and `preview`: the engine forwards a plugin's output. */
const notice = (message: string) => console.error(`telephony-config: ${message}`);

const isPipe = (fd: number) => {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
};

async function main(): Promise<void> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  // Cancel: the engine is stopping the operation; what is in flight finishes, as the runtime cannot
  // tell a write the API did from one it did not.
  const service = resourceProvider({
    schemaPath: join(packageRoot, "plugin", "schema.json"),
    notice,
    cancel: () => {},
  });
  server.addService(rpc.ResourceProviderService, service as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  // The engine reads the port from the first line of stdout.
  console.log(String(port));
  // The engine holds the other end of its plugins' stdin: when that closes, it is gone (killed, or its
  // CLI interrupted), and nothing sent from now on could be recorded in its state. Stop at once.
  if (isPipe(0))
    process.stdin
      .on("end", () => process.exit(1))
      .on("error", () => process.exit(1))
      .resume();
}

main().catch((error: unknown) => {
  console.error(`pulumi-resource-telephony: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
