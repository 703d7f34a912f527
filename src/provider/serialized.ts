import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object Pulumi serializes into every resource's state (`__provider`). It holds no
 * token, client or settings, and its text does not change between releases: each method loads this
 * package's runtime from the program's directory at the moment it runs, so that state written by an
 * older version runs today's code (pulumi/pulumi#6490).
 */
export const serializedProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    return runtime().configure(req);
  },
  async check(olds, news) {
    return runtime().check(olds, news);
  },
  async diff(id, olds, news) {
    return runtime().diff(id, olds, news);
  },
  async create(inputs) {
    return runtime().create(inputs);
  },
  async read(id, props) {
    return runtime().read(id, props);
  },
  async update(id, olds, news) {
    return runtime().update(id, olds, news);
  },
  async delete(id, props) {
    return runtime().remove(id, props);
  },
};

function runtime(): typeof import("./runtime.js") {
  // The dynamic provider runs in the program's directory, where this package is installed (or is the
  // project itself): resolve it from there, by name.
  const { createRequire } = process.getBuiltinModule("node:module");
  return createRequire(`${process.cwd()}/`)("telephony-config/provider-runtime");
}
