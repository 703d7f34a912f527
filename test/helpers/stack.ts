import type { ConfigMap, Stack } from "@pulumi/pulumi/automation/index.js";
import type { ServerOptions } from "../../src/server/server.js";
import { startApi, TOKEN, type Api } from "./api.js";
import { projectCopy, type ProjectCopy } from "./project.js";
import { throwawayStack, type ThrowawayStack } from "./pulumi.js";

export const SECRETS = {
  TWILIO_API_KEY: "AC-twilio-key-7f3a9c",
  LIVEKIT_API_KEY: "lk-key-42b8d1",
  twilioApiSecret: "twilio-secret-e5d0b7",
  livekitApiSecret: "livekit-secret-19aa6f",
};

export interface TelephonyStack {
  api: Api;
  project: ProjectCopy;
  stack: Stack;
  t: ThrowawayStack;
  /** Declares `yaml` as the stack's declarations. */
  declare(yaml: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The repo's Pulumi project, in a temp copy, on a fresh backend, against a local API server; or, with
 * `alongside`, another stack (`stackName`) of that same project, backend and server.
 */
export async function telephonyStack(
  options: {
    copyDist?: boolean;
    env?: Record<string, string>;
    orgs?: string[];
    server?: ServerOptions;
    alongside?: TelephonyStack;
    stackName?: string;
    /** The resource the declarations become: the native plugin's with `native` (default: the dynamic one). */
    plugin?: "native";
  } = {},
): Promise<TelephonyStack> {
  const shared = options.alongside;
  const api = shared?.api ?? (await startApi({ tokens: { [TOKEN]: options.orgs ?? ["dev-org"] }, ...options.server }));
  const project =
    shared?.project ?? projectCopy({ copyDist: options.copyDist ?? false, findsPlugin: options.plugin === "native" });
  const t = await throwawayStack(
    project.dir,
    { TWILIO_API_KEY: SECRETS.TWILIO_API_KEY, LIVEKIT_API_KEY: SECRETS.LIVEKIT_API_KEY, ...options.env },
    options.stackName,
    shared?.t.backendDir,
  );
  const config: ConfigMap = {
    "telephony:apiUrl": { value: api.server.url },
    "telephony:apiToken": { value: TOKEN, secret: true },
    "telephony:orgHandle": { value: "dev-org" },
    "telephony:productId": { value: "1" },
    "telephony:declarations": { value: "telephony.yaml" },
    ...(options.plugin ? { "telephony:plugin": { value: options.plugin } } : {}),
    twilioApiSecret: { value: SECRETS.twilioApiSecret, secret: true },
    livekitApiSecret: { value: SECRETS.livekitApiSecret, secret: true },
  };
  await t.stack.setAllConfig(config);
  return {
    api,
    project,
    stack: t.stack,
    t,
    async declare(yaml) {
      project.declare(yaml);
    },
    async close() {
      // A stack alongside another leaves the shared server, project and backend to that one.
      if (shared) return;
      await api.close();
      await t.dispose();
      project.remove();
    },
  };
}
