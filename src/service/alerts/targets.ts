/**
 * Which webhook targets may be called. A trigger file is uploaded through the API, so a webhook
 * URL must not make the service call itself, its network or a cloud metadata service: loopback,
 * link-local, private (RFC 1918, fc00::/7, 100.64/10), unspecified and other special-purpose
 * addresses are refused, and so are names that always mean this machine or a metadata service.
 * Checked at upload on what the URL says, and at delivery on every address the name resolves to
 * (delivery connects only to a checked address). The allow-list (webhookAllowedTargets) lets
 * chosen host names, addresses and CIDR ranges through.
 */
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface TargetAllowList {
  /** Lower-case host names, allowed whatever they resolve to. */
  readonly names: ReadonlySet<string>;
  readonly ranges: readonly [Address, number][];
}

export const NOTHING_ALLOWED: TargetAllowList = { names: new Set(), ranges: [] };

/** Names that mean this machine or a cloud metadata service wherever they are resolved. */
const REFUSED_NAMES = new Set([
  "localhost",
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
]);

/** Metadata services on ordinary-looking addresses (the others are link-local or private). */
const METADATA_ADDRESSES = new Set(["100.100.100.200", "fd00:ec2::254", "192.0.0.192"]);

const RANGE_WORDS: Record<string, string> = {
  loopback: "a loopback address",
  linkLocal: "a link-local address (cloud metadata services live there)",
  private: "a private address (RFC 1918)",
  uniqueLocal: "a unique local address (fc00::/7)",
  carrierGradeNat: "a shared address (100.64.0.0/10)",
  unspecified: "the unspecified address",
  broadcast: "a broadcast address",
  multicast: "a multicast address",
};

/** "[::1]" and "Example.COM." as "::1" and "example.com". */
export function normaliseHost(host: string): string {
  return host
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

function parseAddress(text: string): Address | undefined {
  // process() turns an IPv4-mapped IPv6 address (::ffff:169.254.169.254) into its IPv4 address.
  return ipaddr.isValid(text) ? ipaddr.process(text) : undefined;
}

/** Why an entry of the allow-list is not a host name, an address or a CIDR range. */
export function allowEntryProblem(entry: string): string | undefined {
  if (/^[^/]+\/\d+$/.test(entry))
    return ipaddr.isValidCIDR(entry) ? undefined : `"${entry}" is not a CIDR range`;
  if (parseAddress(normaliseHost(entry)) || /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(normaliseHost(entry)))
    return undefined;
  return `"${entry}" is not a host name, an IP address or a CIDR range`;
}

/** The allow-list from its entries (validated by the config already). */
export function allowListOf(entries: readonly string[]): TargetAllowList {
  const names = new Set<string>();
  const ranges: [Address, number][] = [];
  for (const entry of entries) {
    if (entry.includes("/")) {
      const [network, bits] = ipaddr.parseCIDR(entry);
      // Addresses are compared as IPv4 when IPv4-mapped, so a mapped range is made IPv4 too.
      if (network.kind() === "ipv6" && (network as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96)
        ranges.push([(network as ipaddr.IPv6).toIPv4Address(), bits - 96]);
      else ranges.push([network, bits]);
      continue;
    }
    const address = parseAddress(normaliseHost(entry));
    if (address) ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
    else names.add(normaliseHost(entry));
  }
  return { names, ranges };
}

function inAllowedRange(address: Address, allow: TargetAllowList): boolean {
  return allow.ranges.some(
    ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
  );
}

/** Why connecting to this address is refused, or undefined when it is a public unicast one. */
export function addressProblem(text: string, allow: TargetAllowList = NOTHING_ALLOWED): string | undefined {
  const address = parseAddress(normaliseHost(text));
  if (!address) return `${text} is not an IP address`;
  if (inAllowedRange(address, allow)) return undefined;
  const shown = address.toString();
  if (METADATA_ADDRESSES.has(shown)) return `${shown} is a cloud metadata address`;
  const range = address.range();
  if (range === "unicast") return undefined;
  return `${shown} is ${RANGE_WORDS[range] ?? `a special-purpose address (${range})`}`;
}

/**
 * Why a URL's host is refused before anything is resolved: a literal address that is refused,
 * or a name that always means this machine or a metadata service. Other names are checked on
 * the addresses they resolve to, at delivery.
 */
export function hostProblem(host: string, allow: TargetAllowList = NOTHING_ALLOWED): string | undefined {
  const name = normaliseHost(host);
  if (allow.names.has(name)) return undefined;
  if (parseAddress(name)) return addressProblem(name, allow);
  if (REFUSED_NAMES.has(name) || name.endsWith(".localhost"))
    return `${name} names this machine or a cloud metadata service`;
  return undefined;
}

/** The hint every refusal ends with. */
export const ALLOW_HINT =
  "list the host in webhookAllowedTargets (LEADSCORE_WEBHOOK_ALLOWED_TARGETS) to allow it";
