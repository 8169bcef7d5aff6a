/** A model and a trigger file for the alert tests. */

export const ALERT_MODEL = `name: alerts
version: 1
scale: { min: 0, max: 1000 }
dimensions:
  - id: engagement
    rules:
      - { id: view, event: page_view, points: 10 }
      - { id: bounce, event: email_bounce, points: -10 }
`;
export const SECRET = "test-secret-0123456789";

/**
 * The receiver listens on 127.0.0.1, a loopback address that webhooks may not reach unless the
 * allow-list says so: services whose alerts reach it are started with this setting.
 */
export const RECEIVER_ALLOWED = { webhookAllowedTargets: ["127.0.0.1"] };
/** The same for a service started as a child process. */
export const RECEIVER_ALLOWED_ENV = { LEADSCORE_WEBHOOK_ALLOWED_TARGETS: "127.0.0.1" };

export function triggerFile(url: string, lifecycle = true): string {
  return `triggers:
  - id: engaged
    model: alerts
    when: { score: engagement, above: 30, hysteresis: 15 }
    actions:
      - webhook: { url: "${url}", secret: "${SECRET}" }
${lifecycle ? "      - lifecycle: { stage: mql, owner: { roundRobin: [ana, ben] } }\n" : ""}`;
}
