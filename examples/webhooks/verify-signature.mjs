// Verifying a Leadscore webhook (Node 20, no dependencies). Use the raw request body, exactly
// as received: re-serialised JSON would not match the signature.
import { createHmac, timingSafeEqual } from "node:crypto";

/** True when `header` (Leadscore-Signature: t=...,v1=...) signs `rawBody` with `secret`, made at most `toleranceSeconds` ago. */
export function verifyLeadscoreSignature(rawBody, header, secret, toleranceSeconds = 300, nowSeconds = Date.now() / 1000) {
  const parts = Object.fromEntries(String(header ?? "").split(",").map((part) => part.split("=", 2)));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest();
  const given = Buffer.from(String(parts.v1 ?? ""), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
