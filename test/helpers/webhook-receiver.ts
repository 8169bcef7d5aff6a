/**
 * A real webhook receiver on 127.0.0.1 for the alert tests: it answers as told (accept, fail
 * with 500, hang past the sender's timeout, redirect elsewhere), records every request, and
 * keeps each delivery once by its id, as an idempotent receiver does.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ReceiverMode = "ok" | "fail" | "hang" | "redirect";

export interface ReceivedRequest {
  deliveryId: string;
  signature: string;
  body: string;
  /** The answer given: a status, or "hung" when the receiver never answered. */
  answer: number | "hung";
  atMs: number;
}

export interface WebhookReceiver {
  url: string;
  mode: ReceiverMode;
  /** How long an "ok" answer waits (a slow receiver), in ms. */
  delayMs: number;
  /** Every request, in arrival order. */
  requests: ReceivedRequest[];
  /** Accepted deliveries by id (the first accepted copy), and how many copies were accepted. */
  accepted: Map<string, { body: string; copies: number }>;
  close(): Promise<void>;
}

export async function startReceiver(path = "/hook"): Promise<WebhookReceiver> {
  const hung: http.ServerResponse[] = [];
  const receiver: WebhookReceiver = {
    url: "",
    mode: "ok",
    delayMs: 0,
    requests: [],
    accepted: new Map(),
    close: async () => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      const record: ReceivedRequest = {
        deliveryId: String(request.headers["leadscore-delivery"] ?? ""),
        signature: String(request.headers["leadscore-signature"] ?? ""),
        body,
        answer: 200,
        atMs: Date.now(),
      };
      receiver.requests.push(record);
      if (request.url !== path) {
        record.answer = 404;
        response.writeHead(404).end();
        return;
      }
      switch (receiver.mode) {
        case "ok": {
          const accept = () => {
            const seen = receiver.accepted.get(record.deliveryId);
            if (seen) seen.copies++;
            else receiver.accepted.set(record.deliveryId, { body, copies: 1 });
            response.writeHead(200).end("ok");
          };
          if (receiver.delayMs > 0) setTimeout(accept, receiver.delayMs);
          else accept();
          return;
        }
        case "fail":
          record.answer = 500;
          response.writeHead(500).end("down");
          return;
        case "redirect":
          record.answer = 307;
          response.writeHead(307, { location: "http://127.0.0.2:9/elsewhere" }).end();
          return;
        case "hang":
          record.answer = "hung";
          hung.push(response);
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}

/** Polls until `check` holds or the time is up; returns whether it held. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}
