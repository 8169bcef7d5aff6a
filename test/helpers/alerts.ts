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

export function triggerFile(url: string, lifecycle = true): string {
  return `triggers:
  - id: engaged
    model: alerts
    when: { score: engagement, above: 30, hysteresis: 15 }
    actions:
      - webhook: { url: "${url}", secret: "${SECRET}" }
${lifecycle ? "      - lifecycle: { stage: mql, owner: { roundRobin: [ana, ben] } }\n" : ""}`;
}
