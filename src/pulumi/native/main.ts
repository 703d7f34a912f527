// pulumi-resource-telephony: the native Pulumi plugin of the package `telephony`. The engine starts it
// (plugin/pulumi-resource-telephony), reads the port it prints, and drives the one provider runtime
// through it over Pulumi's provider protocol.
import { fstatSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { enginePb, engineRpc, rpc } from "./protocol.js";
import { resourceProvider } from "./service.js";

const packageRoot = dirname(createRequire(import.meta.url).resolve("telephony-config/package.json"));

/**
 * Says something in the output of `pulumi up` and `preview`: through the engine's Log service (the
 * engine hides a native plugin's stderr), or on stderr where no engine address was given.
 */
function noticeTo(engineAddress: string | undefined): (message: string) => void {
  if (!engineAddress) return (message) => console.error(`telephony-config: ${message}`);
  const engine = new engineRpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
  return (message) => {
    const request = new enginePb.LogRequest()
      .setSeverity(enginePb.LogSeverity.INFO)
      .setMessage(`telephony-config: ${message}`);
    engine.log(request, (error) => {
      if (error) console.error(`telephony-config: ${message}`);
    });
  };
}

/** A pipe or socket (not a terminal, not /dev/null): an end someone holds. */
const isPipe = (fd: number) => {
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
};

async function main(): Promise<void> {
  // The engine passes its address as the first argument (after flags such as --logtostderr, -v=N).
  const notice = noticeTo(process.argv.slice(2).find((arg) => !arg.startsWith("-")));
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
