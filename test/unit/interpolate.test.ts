// ${config:KEY} and ${stack} in plain fields: what they resolve to, where a problem is, what is refused.
import { describe, expect, it } from "vitest";
import { interpolate, type ConfigValue, type StackValues } from "../../src/declarations/interpolate.js";

const config: Record<string, ConfigValue> = {
  sipDomain: { kind: "plain", value: "dev.example.com" },
  "region.name": { kind: "plain", value: "eu-west-1" },
  empty: { kind: "plain", value: "" },
  dollar: { kind: "plain", value: "${stack}" },
  twilioApiSecret: { kind: "secret" },
};
const dev: StackValues = { name: "dev", config: (key) => config[key] ?? { kind: "unset" } };

describe("interpolate", () => {
  it.each([
    ["a plain string", "Twilio Support", "Twilio Support"],
    ["a whole value", "${config:sipDomain}", "dev.example.com"],
    ["within a string", "sip:support@${config:sipDomain}", "sip:support@dev.example.com"],
    ["the stack's name", "Twilio (${stack})", "Twilio (dev)"],
    ["several", "${stack}.${config:sipDomain}/${config:region.name}", "dev.dev.example.com/eu-west-1"],
    ["an empty value", "a${config:empty}b", "ab"],
    ["a value that looks like a reference, kept as is", "x-${config:dollar}", "x-${stack}"],
    ["$${ as a literal ${", "cost $${stack} and $${config:sipDomain}", "cost ${stack} and ${config:sipDomain}"],
    ["a $ alone", "US$ 5 $ {x} $", "US$ 5 $ {x} $"],
    ["$$ not before {", "a$$b", "a$$b"],
    ["$$${ as a $ and a literal ${ (what adopt writes for a live $${)", "$$${stack}", "$${stack}"],
  ])("resolves %s", (_what, template, expected) => {
    expect(interpolate(template, "f", dev)).toEqual({ value: expected, problems: [] });
  });

  it.each([
    [
      "an unknown key",
      "sip:x@${config:nope}",
      6,
      "f: ${config:nope}: stack dev has no config nope (pulumi config set nope … --stack dev)",
    ],
    [
      "a secret key",
      "${config:twilioApiSecret}",
      0,
      "f: ${config:twilioApiSecret}: stack config twilioApiSecret is a secret, and f is a plain field; a secret goes only in apiKey or apiSecret, as ${secret:twilioApiSecret}",
    ],
    [
      "an env reference",
      "a ${env:HOME}",
      2,
      "f: ${env:HOME}: a secret reference goes only in apiKey or apiSecret, as the whole value",
    ],
    [
      "a secret reference",
      "${secret:k}",
      0,
      "f: ${secret:k}: a secret reference goes only in apiKey or apiSecret, as the whole value",
    ],
    [
      "an unknown kind",
      "x${foo}",
      1,
      'f: unknown reference ${foo}: use ${config:KEY} or ${stack}, or "$${" for a literal "${"',
    ],
    [
      "an empty reference",
      "${}",
      0,
      'f: unknown reference ${}: use ${config:KEY} or ${stack}, or "$${" for a literal "${"',
    ],
    [
      "a key with a namespace",
      "${config:aws:region}",
      0,
      'f: unknown reference ${config:aws:region}: use ${config:KEY} or ${stack}, or "$${" for a literal "${"',
    ],
    [
      "a reference of an unknown kind",
      "x${vault:x}",
      1,
      'f: unknown reference kind "vault" in ${vault:x}: use ${config:KEY} or ${stack}, or ${env:NAME} or ${secret:KEY} as the whole value of apiKey or apiSecret',
    ],
    [
      "a misspelt config",
      "${confg:region}",
      0,
      'f: unknown reference kind "confg" in ${confg:region} (did you mean ${config:region}?)',
    ],
    [
      "a config in capitals",
      "${Config:a}",
      0,
      'f: unknown reference kind "Config" in ${Config:a} (did you mean ${config:a}?)',
    ],
    ["a misspelt stack", "sip:${stak}", 4, "f: unknown reference ${stak} (did you mean ${stack}?)"],
    ["an unterminated reference", "abc ${stack", 4, 'f: unterminated "${" (write "$${" for a literal "${")'],
  ])("refuses %s, at its index", (_what, template, index, message) => {
    expect(interpolate(template, "f", dev)).toEqual({
      value: undefined,
      problems: [{ index, message, unresolved: false }],
    });
  });

  it("reports every problem of a string, each at its index", () => {
    expect(interpolate("${config:a}-${stack}-${config:b}", "f", dev).problems.map((p) => p.index)).toEqual([0, 21]);
  });

  it("without a stack, leaves every reference unresolved, and still refuses what is wrong", () => {
    expect(interpolate("sip:x@${config:sipDomain} ${stack}", "f", undefined)).toEqual({
      value: undefined,
      problems: [
        {
          index: 6,
          unresolved: true,
          message: "f: ${config:sipDomain} is resolved per stack: give --stack NAME to resolve it",
        },
        { index: 26, unresolved: true, message: "f: ${stack} is resolved per stack: give --stack NAME to resolve it" },
      ],
    });
    expect(interpolate("${env:X}", "f", undefined).problems[0]!.unresolved).toBe(false);
    expect(interpolate("no references, $${ escaped", "f", undefined)).toEqual({
      value: "no references, ${ escaped",
      problems: [],
    });
  });
});
