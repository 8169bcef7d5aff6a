/**
 * Sending one webhook: the JSON body (or a Slack-compatible message), signed with HMAC-SHA256
 * over "<timestamp>.<body>" in the `Leadscore-Signature: t=<unix seconds>,v1=<hex>` header, with
 * a timeout, and without following redirects (a 3xx answer is a failed attempt). Only targets
 * that targets.ts allows are called, checked on the address actually connected to.
 */
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { guardedLookup, TargetRefusedError } from "./guarded-lookup.js";
import type { AlertPayload } from "./record.js";
import { ALLOW_HINT, hostProblem, NOTHING_ALLOWED, type TargetAllowList } from "./targets.js";

export const SIGNATURE_HEADER = "leadscore-signature";
export const DELIVERY_HEADER = "leadscore-delivery";

export interface WebhookTarget {
  url: string;
  secret: string;
  format: "json" | "slack";
}

export type AttemptResult = { ok: true; status: number } | { ok: false; error: string };

export function signatureHeader(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
  return `t=${timestampSeconds},v1=${digest}`;
}

/** A short line for chat tools: who, which trigger, the score move. */
export function slackMessage(payload: AlertPayload): { text: string } {
  const who = payload.contact.email ?? payload.contact.id;
  if ("factors" in payload) {
    const percent = (p: number) => `${(p * 100).toFixed(1)}%`;
    const from = payload.previous ? percent(payload.previous.probability) : "new";
    return {
      text: `Leadscore: ${who} fired "${payload.trigger.id}" (predictive model ${payload.model.key}): probability ${from} → ${percent(payload.current.probability)}, ${payload.current.tier}`,
    };
  }
  const from = payload.previous ? `${payload.previous.total}` : "new";
  const temperature = payload.current.temperature ? `, ${payload.current.temperature}` : "";
  return {
    text: `Leadscore: ${who} fired "${payload.trigger.id}" (model ${payload.model.key}): score ${from} → ${payload.current.total}${temperature}`,
  };
}

export function webhookBody(target: WebhookTarget, payload: AlertPayload): string {
  return JSON.stringify(target.format === "slack" ? slackMessage(payload) : payload);
}

/** One POST; resolves with the status, or rejects with the connection's error. */
function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allow: TargetAllowList },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.allow),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        // The body is not needed; reading it frees the connection.
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

export async function sendWebhook(
  target: WebhookTarget,
  payload: AlertPayload,
  options: { timeoutMs: number; nowMs: number; allow?: TargetAllowList },
): Promise<AttemptResult> {
  const allow = options.allow ?? NOTHING_ALLOWED;
  const url = new URL(target.url);
  // A literal address never reaches the lookup, and a refused name is refused unresolved.
  const refused = hostProblem(url.hostname, allow);
  if (refused) return { ok: false, error: `refused target: ${refused}; ${ALLOW_HINT}` };
  const body = webhookBody(target, payload);
  const timestamp = Math.floor(options.nowMs / 1000);
  const headers = {
    "content-type": "application/json",
    "user-agent": "leadscore-webhooks/1",
    [SIGNATURE_HEADER]: signatureHeader(target.secret, body, timestamp),
    [DELIVERY_HEADER]: payload.id,
  };
  try {
    // Redirects are never followed: node:http does not.
    const status = await post(url, headers, body, { timeoutMs: options.timeoutMs, allow });
    if (status >= 200 && status < 300) return { ok: true, status };
    if (status >= 300 && status < 400)
      return { ok: false, error: `HTTP ${status}: redirects are not followed` };
    return { ok: false, error: `HTTP ${status}` };
  } catch (error) {
    const err = error as Error & { code?: string };
    if (err instanceof TargetRefusedError) return { ok: false, error: `refused target: ${err.message}` };
    if (err.name === "TimeoutError" || err.name === "AbortError")
      return { ok: false, error: `no answer in ${options.timeoutMs} ms` };
    return { ok: false, error: err.code ?? err.message };
  }
}
