// The engine's floor for bench:stack: as many dynamic resources as the real program, with a provider
// that does nothing, so that the difference is what the API and the real provider cost.
import * as pulumi from "@pulumi/pulumi";

const noop: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, props: pulumi.Inputs) {
    super(noop, name, props, {}, "bench", "Noop");
  }
}

const count = Number(new pulumi.Config().require("count"));
for (let i = 0; i < count; i++) {
  new Noop(`noop-${i}`, { name: `noop-${i}`, provider: 3, active: true, meta: {} });
}
