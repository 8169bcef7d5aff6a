import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { guardedLookup, TargetRefusedError } from "./guarded-lookup.js";
import { addressProblem, allowEntryProblem, allowListOf, hostProblem } from "./targets.js";

/** The host of a URL as the WHATWG parser (fetch, new URL) reads it. */
const hostOf = (url: string) => new URL(url).hostname;

describe("webhook target classification", () => {
  it.each([
    ["http://127.0.0.1/", "loopback"],
    ["http://127.1.2.3/", "loopback"],
    ["http://0x7f000001/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://[::1]/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://169.254.169.254/latest/meta-data", "link-local"],
    ["http://[::ffff:169.254.169.254]/", "link-local"],
    ["http://[fe80::1]/", "link-local"],
    ["http://10.0.0.1/", "private"],
    ["http://172.16.5.4/", "private"],
    ["http://192.168.1.1/", "private"],
    ["http://[fd00::1]/", "unique local"],
    ["http://[fc00::1]/", "unique local"],
    ["http://100.64.0.1/", "shared address"],
    ["http://100.100.100.200/", "metadata"],
    ["http://[fd00:ec2::254]/", "metadata"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://[::]/", "unspecified"],
    ["http://255.255.255.255/", "broadcast"],
    ["http://224.0.0.1/", "multicast"],
    ["http://localhost:8080/", "this machine"],
    ["http://LOCALHOST./", "this machine"],
    ["http://api.localhost/", "this machine"],
    ["http://metadata.google.internal/computeMetadata/v1/", "metadata"],
    ["http://metadata/", "metadata"],
  ])("refuses %s (%s)", (url, kind) => {
    expect(hostProblem(hostOf(url))).toContain(kind);
  });

  it.each([
    "https://hooks.example.com/leads",
    "https://8.8.8.8/",
    "https://[2001:4860:4860::8888]/",
    "https://hooks.slack.com/services/x",
  ])("lets %s through", (url) => {
    expect(hostProblem(hostOf(url))).toBeUndefined();
  });

  it("checks resolved addresses, IPv4-mapped ones as IPv4", () => {
    expect(addressProblem("::ffff:a9fe:a9fe")).toContain("169.254.169.254 is a link-local");
    expect(addressProblem("::ffff:10.1.2.3")).toContain("private");
    expect(addressProblem("93.184.215.14")).toBeUndefined();
    expect(addressProblem("2606:2800:21f:cb07:6820:80da:af6b:8b2c")).toBeUndefined();
  });

  it("lets allow-listed names, addresses and ranges through, and only those", () => {
    const allow = allowListOf([
      "127.0.0.1",
      "hooks.internal",
      "10.1.0.0/16",
      "::ffff:192.168.0.0/112",
      "fd00::/8",
    ]);
    expect(hostProblem("127.0.0.1", allow)).toBeUndefined();
    expect(hostProblem("[::ffff:127.0.0.1]", allow)).toBeUndefined();
    expect(hostProblem("127.0.0.2", allow)).toContain("loopback");
    expect(hostProblem("HOOKS.internal", allow)).toBeUndefined();
    expect(hostProblem("localhost", allow)).toContain("this machine");
    expect(addressProblem("10.1.200.3", allow)).toBeUndefined();
    expect(addressProblem("10.2.0.1", allow)).toContain("private");
    expect(addressProblem("192.168.4.4", allow)).toBeUndefined();
    expect(addressProblem("fd12::1", allow)).toBeUndefined();
    expect(addressProblem("169.254.169.254", allow)).toContain("link-local");
  });

  it("names what is wrong with an allow-list entry", () => {
    expect(allowEntryProblem("10.0.0.0/33")).toContain("not a CIDR range");
    expect(allowEntryProblem("http://x/")).toContain("not a host name");
    expect(allowEntryProblem("[::1]")).toBeUndefined();
    expect(allowEntryProblem("hooks.internal")).toBeUndefined();
  });
});

describe("the guarded lookup", () => {
  const resolver =
    (addresses: LookupAddress[]) =>
    (_host: string, _options: unknown, callback: (error: null, addresses: LookupAddress[]) => void) =>
      callback(null, addresses);
  const lookUp = (lookup: ReturnType<typeof guardedLookup>, all: boolean) =>
    new Promise<{ error: Error | null; result: unknown }>((resolve) =>
      lookup("hooks.example.com", { all } as never, (error: Error | null, result: unknown) =>
        resolve({ error, result }),
      ),
    );

  it("refuses a name when any of its addresses is refused", async () => {
    const lookup = guardedLookup(
      allowListOf([]),
      resolver([
        { address: "93.184.215.14", family: 4 },
        { address: "169.254.169.254", family: 4 },
      ]) as never,
    );
    const { error } = await lookUp(lookup, true);
    expect(error).toBeInstanceOf(TargetRefusedError);
    expect(error?.message).toContain("hooks.example.com resolves to 169.254.169.254 is a link-local");
  });

  it("hands on the checked addresses, one or all as the socket asks", async () => {
    const addresses = [
      { address: "93.184.215.14", family: 4 },
      { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    ];
    const lookup = guardedLookup(allowListOf([]), resolver(addresses) as never);
    expect(await lookUp(lookup, true)).toEqual({ error: null, result: addresses });
    expect(await lookUp(lookup, false)).toEqual({ error: null, result: "93.184.215.14" });
  });

  it("lets an allow-listed name resolve to a private address", async () => {
    const lookup = guardedLookup(
      allowListOf(["hooks.example.com"]),
      resolver([{ address: "10.0.0.5", family: 4 }]) as never,
    );
    expect((await lookUp(lookup, true)).error).toBeNull();
  });
});
