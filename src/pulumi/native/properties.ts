// Property values between the engine's wire form and the runtime's plain objects: secrets travel
// wrapped in Pulumi's secret envelope; a value not known until apply travels as Pulumi's marker
// string, which the runtime (UNKNOWN) takes as it is.
import type { Struct as StructType } from "google-protobuf/google/protobuf/struct_pb.js";
import { Struct } from "./protocol.js";

// Pulumi's marker for a secret value in a property map (sdk/go/common/resource/sig).
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

type Plain = Record<string, unknown>;

const isSecret = (value: unknown): value is { value: unknown } =>
  typeof value === "object" && value !== null && (value as Plain)[SIG] === SECRET;

/** A value with every secret envelope taken off. */
function unwrapped(value: unknown): unknown {
  if (isSecret(value)) return unwrapped(value.value);
  if (Array.isArray(value)) return value.map(unwrapped);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapped(v)]));
  return value;
}

/** A property map as plain values (a missing map is empty). */
export const plain = (struct: StructType | undefined): Plain =>
  struct ? (unwrapped(struct.toJavaScript()) as Plain) : {};

/** A property map for the engine: `secrets` wrapped as secrets, absent values left out. */
export function toStruct(values: Plain, secrets: readonly string[] = []): StructType {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out[key] = secrets.includes(key) ? { [SIG]: SECRET, value } : value;
  }
  return Struct.fromJavaScript(out as Parameters<typeof Struct.fromJavaScript>[0]);
}

/** The property map with `key`, if present, wrapped as a secret; every other value as it was. */
export function withSecret(struct: StructType | undefined, key: string): StructType {
  const values = (struct?.toJavaScript() ?? {}) as Plain;
  if (values[key] === undefined || isSecret(values[key])) return struct ?? Struct.fromJavaScript({});
  return Struct.fromJavaScript({ ...values, [key]: { [SIG]: SECRET, value: values[key] } } as Parameters<
    typeof Struct.fromJavaScript
  >[0]);
}

const containsSecret = (value: unknown): boolean =>
  isSecret(value) ||
  (Array.isArray(value)
    ? value.some(containsSecret)
    : typeof value === "object" && value !== null
      ? Object.values(value).some(containsSecret)
      : false);

/** The keys of a property map whose value is, or holds, a secret: kept secret in what is answered for them. */
export const secretKeysOf = (...structs: Array<StructType | undefined>): string[] => [
  ...new Set(
    structs.flatMap((struct) =>
      Object.entries((struct?.toJavaScript() ?? {}) as Plain)
        .filter(([, value]) => containsSecret(value))
        .map(([key]) => key),
    ),
  ),
];
