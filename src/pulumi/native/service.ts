// The ResourceProvider service of the native plugin: each call of Pulumi's provider protocol, turned
// into the one provider runtime's (src/runtime/) and back. Nothing here decides what is written.
import { readFileSync } from "node:fs";
import type * as grpc from "@grpc/grpc-js";
import { packageVersion } from "../../client/version.js";
import { NATIVE_RESOURCE_TYPE, type ConfigurationInputs, type ConfigurationOutputs } from "../../model/index.js";
import {
  configure as configureRuntime,
  isBug,
  UNKNOWN,
  type DiffEntry,
  type ProviderRuntime,
} from "../../runtime/index.js";
import { ownerOf } from "./owner.js";
import { configFailures, configTexts, mayWriteWith, settingsFrom } from "./provider-config.js";
import { plain, secretKeysOf, toStruct, withSecret } from "./properties.js";
import { Empty, pb, pluginPb } from "./protocol.js";

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;
type Plain = Record<string, unknown>;

/** Secret whatever the program passed (a literal in a YAML program too). */
const SECRETS = ["apiKey", "apiSecret"];

/**
 * A unary handler: the answer, or the error's message (already stripped of secrets by the runtime),
 * which the engine shows as the resource's error; a bug's with its stack trace, where the fix is.
 */
function unary<Req, Res>(work: (request: Req) => Res | Promise<Res>): Handler<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => work(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback({ code: 2, details: said(error) }),
      );
  };
}

const said = (error: unknown): string =>
  !(error instanceof Error) ? String(error) : isBug(error) ? (error.stack ?? error.message) : error.message;

/** What the host adds to a resource's inputs for the runtime: who holds it, from its URN. */
const withOwner = (inputs: Plain, urn: string): ConfigurationInputs =>
  ({ ...inputs, owner: ownerOf(urn) }) as unknown as ConfigurationInputs;

/** The defaults a refresh reads back, spelled out. */
const defaulted = (news: Plain): Plain => ({ ...news, active: news.active ?? true, meta: news.meta ?? {} });

function propertyDiff(entry: DiffEntry, oldInputs: Plain, news: Plain) {
  const { Kind } = pb.PropertyDiff;
  const replace = entry.kind === "replace";
  const kind =
    oldInputs[entry.field] === undefined
      ? replace
        ? Kind.ADD_REPLACE
        : Kind.ADD
      : news[entry.field] === undefined
        ? replace
          ? Kind.DELETE_REPLACE
          : Kind.DELETE
        : replace
          ? Kind.UPDATE_REPLACE
          : Kind.UPDATE;
  return new pb.PropertyDiff().setKind(kind).setInputdiff(true);
}

export function resourceProvider(options: {
  schemaPath: string;
  notice: (message: string) => void;
  cancel: () => void;
}) {
  let runtime: ProviderRuntime = configureRuntime({
    settings: () => {
      throw new Error("the telephony provider was not configured");
    },
    notice: options.notice,
    mayWrite: () => undefined,
  });
  const checkType = (type: string) => {
    if (type && type !== NATIVE_RESOURCE_TYPE) throw new Error(`unknown resource type ${type}`);
  };

  return {
    getPluginInfo: unary(() => new pluginPb.PluginInfo().setVersion(packageVersion)),
    getSchema: unary((req: InstanceType<typeof pb.GetSchemaRequest>) => {
      if (req.getSubpackageName()) throw new Error(`no subpackage ${req.getSubpackageName()}`);
      return new pb.GetSchemaResponse().setSchema(readFileSync(options.schemaPath, "utf8"));
    }),
    checkConfig: unary((req: InstanceType<typeof pb.CheckRequest>) => {
      const news = plain(req.getNews());
      const failures = configFailures(news, process.env).map((f) =>
        new pb.CheckFailure().setProperty(f.property).setReason(f.reason),
      );
      // The token is a secret in the state whatever the stack's config says (set without --secret).
      return new pb.CheckResponse().setInputs(withSecret(req.getNews(), "apiToken")).setFailuresList(failures);
    }),
    // A new token, organization or URL changes how the configurations are reached, never which ones
    // they are: nothing is replaced for it (the runtime refuses what it cannot reach as recorded).
    diffConfig: unary((req: InstanceType<typeof pb.DiffRequest>) => {
      const olds = configTexts(plain(req.getOldInputs() ?? req.getOlds()));
      const news = configTexts(plain(req.getNews()));
      const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])];
      const changed = keys.filter((k) => olds[k] !== news[k]).map((k) => k.replace(/^telephony:/, ""));
      const { DiffChanges } = pb.DiffResponse;
      return new pb.DiffResponse()
        .setChanges(changed.length ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
        .setDiffsList(changed);
    }),
    configure: unary((req: InstanceType<typeof pb.ConfigureRequest>) => {
      const texts = req.hasArgs()
        ? configTexts(plain(req.getArgs()))
        : configTexts(Object.fromEntries(req.getVariablesMap().entries()));
      // A setting computed from another resource (a preview): not known, so nothing is judged by it.
      const known = !Object.values(texts).includes(UNKNOWN);
      runtime = configureRuntime({
        settings: () => {
          if (!known) throw new Error("the telephony provider's settings are not known until the update");
          return settingsFrom(texts, process.env);
        },
        notice: options.notice,
        mayWrite: mayWriteWith(texts, process.env),
      });
      return new pb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false);
    }),
    check: unary((req: InstanceType<typeof pb.CheckRequest>) => {
      checkType(req.getType());
      const news = defaulted(plain(req.getNews()));
      const failures = runtime
        .check(plain(req.getOlds()), { ...news, owner: ownerOf(req.getUrn()) })
        .map((f) => new pb.CheckFailure().setProperty(f.property).setReason(f.reason));
      // What the program made secret stays so, and the keys are secret whatever it passed.
      const inputs = toStruct(news, [...SECRETS, ...secretKeysOf(req.getNews())]);
      return new pb.CheckResponse().setInputs(inputs).setFailuresList(failures);
    }),
    diff: unary((req: InstanceType<typeof pb.DiffRequest>) => {
      const olds = plain(req.getOlds());
      const news = plain(req.getNews());
      const oldInputs = req.hasOldInputs() ? plain(req.getOldInputs()) : olds;
      const entries = runtime.diff(req.getId(), olds as ConfigurationOutputs, withOwner(news, req.getUrn()));
      const { DiffChanges } = pb.DiffResponse;
      const response = new pb.DiffResponse()
        .setChanges(entries.length ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
        .setReplacesList(entries.filter((e) => e.kind === "replace").map((e) => e.field))
        .setDiffsList(entries.map((e) => e.field))
        .setDeletebeforereplace(false)
        .setHasdetaileddiff(true);
      for (const entry of entries) response.getDetaileddiffMap().set(entry.field, propertyDiff(entry, oldInputs, news));
      return response;
    }),
    create: unary(async (req: InstanceType<typeof pb.CreateRequest>) => {
      const { id, outputs, secrets } = await runtime.create(withOwner(plain(req.getProperties()), req.getUrn()));
      return new pb.CreateResponse()
        .setId(id)
        .setProperties(toStruct(outputs, [...secrets, ...secretKeysOf(req.getProperties())]));
    }),
    read: unary(async (req: InstanceType<typeof pb.ReadRequest>) => {
      const state = plain(req.getProperties());
      // No state: Pulumi's import (or a get) of an existing configuration.
      const found = Object.keys(state).length
        ? await runtime.read(req.getId(), state as ConfigurationOutputs)
        : await runtime.import(req.getId(), ownerOf(req.getUrn()));
      // An empty id tells the engine the configuration is gone.
      if (!found) return new pb.ReadResponse();
      const secrets = [...found.secrets, ...secretKeysOf(req.getProperties(), req.getInputs())];
      return new pb.ReadResponse()
        .setId(req.getId())
        .setProperties(toStruct(found.outputs, secrets))
        .setInputs(toStruct(found.inputs, secrets));
    }),
    update: unary(async (req: InstanceType<typeof pb.UpdateRequest>) => {
      const news = withOwner(plain(req.getNews()), req.getUrn());
      const { outputs, secrets } = await runtime.update(
        req.getId(),
        plain(req.getOlds()) as ConfigurationOutputs,
        news,
      );
      return new pb.UpdateResponse().setProperties(toStruct(outputs, [...secrets, ...secretKeysOf(req.getNews())]));
    }),
    delete: unary(async (req: InstanceType<typeof pb.DeleteRequest>) => {
      await runtime.delete(req.getId(), plain(req.getProperties()) as ConfigurationOutputs, ownerOf(req.getUrn()));
      return new Empty();
    }),
    cancel: unary(() => {
      options.cancel();
      return new Empty();
    }),
  };
}
