// Pulumi's provider protocol, as the stubs @pulumi/pulumi ships (generated CommonJS, whose names
// ESM cannot import one by one).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const rpc =
  require("@pulumi/pulumi/proto/provider_grpc_pb.js") as typeof import("@pulumi/pulumi/proto/provider_grpc_pb.js");
export const pb =
  require("@pulumi/pulumi/proto/provider_pb.js") as typeof import("@pulumi/pulumi/proto/provider_pb.js");
export const engineRpc =
  require("@pulumi/pulumi/proto/engine_grpc_pb.js") as typeof import("@pulumi/pulumi/proto/engine_grpc_pb.js");
export const enginePb =
  require("@pulumi/pulumi/proto/engine_pb.js") as typeof import("@pulumi/pulumi/proto/engine_pb.js");
export const pluginPb =
  require("@pulumi/pulumi/proto/plugin_pb.js") as typeof import("@pulumi/pulumi/proto/plugin_pb.js");
export const { Struct } =
  require("google-protobuf/google/protobuf/struct_pb.js") as typeof import("google-protobuf/google/protobuf/struct_pb.js");
export const { Empty } =
  require("google-protobuf/google/protobuf/empty_pb.js") as typeof import("google-protobuf/google/protobuf/empty_pb.js");
