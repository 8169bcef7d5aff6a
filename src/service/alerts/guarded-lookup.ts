/**
 * A DNS lookup for node:http that checks every address a name resolves to and refuses the
 * connection when one of them is refused (targets.ts): the socket then connects only to an
 * address that was checked, so a name cannot pass a check and then resolve elsewhere.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { ALLOW_HINT, addressProblem, normaliseHost, type TargetAllowList } from "./targets.js";

export class TargetRefusedError extends Error {
  readonly code = "ERR_WEBHOOK_TARGET_REFUSED";
}

type ResolveAll = (
  host: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export function guardedLookup(allow: TargetAllowList, resolveAll: ResolveAll = dnsLookup): LookupFunction {
  return (host, options, callback) => {
    const allowedName = allow.names.has(normaliseHost(host));
    resolveAll(host, { family: options.family, hints: options.hints, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const refused = allowedName
        ? undefined
        : addresses.map((entry) => addressProblem(entry.address, allow)).find((problem) => problem);
      if (refused)
        return callback(new TargetRefusedError(`${host} resolves to ${refused}; ${ALLOW_HINT}`), "", 0);
      if (addresses.length === 0)
        return callback(Object.assign(new Error(`${host}: no address`), { code: "ENOTFOUND" }), "", 0);
      // With autoSelectFamily (Node's default) the socket asks for every address.
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
