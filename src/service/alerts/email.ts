/**
 * Email alerts through SMTP (nodemailer). The server comes from one URL,
 * smtp://user:pass@host:port (smtps:// for implicit TLS; STARTTLS is used when offered).
 */
import nodemailer from "nodemailer";
import type { EmailSender } from "./delivery.js";
import { slackMessage } from "./webhook.js";

export function smtpSender(url: string, from: string, timeoutMs: number): EmailSender {
  const parsed = new URL(url);
  if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:")
    throw new Error(`smtpUrl must start with smtp:// or smtps://, got ${parsed.protocol}`);
  const secure = parsed.protocol === "smtps:";
  const transport = nodemailer.createTransport({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username
      ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return async (target, payload) => {
    const line = slackMessage(payload).text;
    await transport.sendMail({
      from,
      to: target.to,
      // ASCII subject: readable as is in every mail client and log.
      subject: target.subject ?? line.replace(/^Leadscore: /, "Leadscore alert: ").replace("→", "->"),
      text: `${line}\n\nDelivery id: ${payload.id}\n\n${JSON.stringify(payload, null, 2)}\n`,
      headers: { "Leadscore-Delivery": payload.id },
    });
  };
}
