import type { ConfigMap } from "@pulumi/pulumi/automation/index.js";
import type { ServerOptions } from "../../src/server/server.js";
import { startApi, TOKEN, type Api } from "./api.js";
import { projectCopy, type ProjectCopy } from "./project.js";
import { throwawayStack, type ThrowawayStack } from "./pulumi.js";
import { SECRETS } from "./stack.js";

/** One of several stacks on one API server: a project copy, a backend and an organization of its own. */
export interface StackOnApi {
  org: string;
  project: ProjectCopy;
  t: ThrowawayStack;
}

export interface StacksOnOneApi {
  api: Api;
  stacks: StackOnApi[];
  close(): Promise<void>;
}

/**
 * `count` stacks as a platform team runs them: each its own project directory, state and organization
 * (`org-0`, `org-1`…), all against one local API server. `config(i)` and `env(i)` add the stack config
 * and environment of stack i, as a generator or a CI matrix would set them.
 */
export async function stacksOnOneApi(options: {
  count: number;
  server?: ServerOptions;
  config?: (i: number) => ConfigMap;
  env?: (i: number) => Record<string, string>;
}): Promise<StacksOnOneApi> {
  const orgs = Array.from({ length: options.count }, (_, i) => `org-${i}`);
  const api = await startApi({ ...options.server, tokens: { [TOKEN]: orgs } });
  const stacks: StackOnApi[] = [];
  const close = async () => {
    await api.close();
    for (const { project, t } of stacks) {
      await t.dispose();
      project.remove();
    }
  };
  try {
    for (const [i, org] of orgs.entries()) {
      const project = projectCopy();
      const t = await throwawayStack(project.dir, {
        TWILIO_API_KEY: SECRETS.TWILIO_API_KEY,
        LIVEKIT_API_KEY: SECRETS.LIVEKIT_API_KEY,
        ...options.env?.(i),
      });
      stacks.push({ org, project, t });
      await t.stack.setAllConfig({
        "telephony:apiUrl": { value: api.server.url },
        "telephony:apiToken": { value: TOKEN, secret: true },
        "telephony:orgHandle": { value: org },
        "telephony:productId": { value: "1" },
        "telephony:declarations": { value: "telephony.yaml" },
        ...options.config?.(i),
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { api, stacks, close };
}
