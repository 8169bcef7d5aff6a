/**
 * Sending one webhook: the JSON body (or a Slack-compatible message), signed with HMAC-SHA256
 * over "<timestamp>.<body>" in the `Leadscore-Signature: t=<unix seconds>,v1=<hex>` header, with
 * a timeout, and without following redirects (a 3xx answer is a failed attempt).
 */
import { createHmac } from "node:crypto";
import type { AlertPayload } from "./record.js";

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

export async function sendWebhook(
  target: WebhookTarget,
  payload: AlertPayload,
  options: { timeoutMs: number; nowMs: number },
): Promise<AttemptResult> {
  const body = webhookBody(target, payload);
  const timestamp = Math.floor(options.nowMs / 1000);
  try {
    const response = await fetch(target.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "leadscore-webhooks/1",
        [SIGNATURE_HEADER]: signatureHeader(target.secret, body, timestamp),
        [DELIVERY_HEADER]: payload.id,
      },
      body,
    });
    // The body is not needed; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    if (response.status >= 300 && response.status < 400)
      return { ok: false, error: `HTTP ${response.status}: redirects are not followed` };
    return { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    if (err.name === "TimeoutError") return { ok: false, error: `no answer in ${options.timeoutMs} ms` };
    return { ok: false, error: err.cause?.code ?? err.cause?.message ?? err.message };
  }
}
