/**
 * The dashboard's built files (dist/web, made by `npm run build`), served by the service itself:
 * hashed assets with a year-long cache, and index.html, never cached, for the client's own
 * routes (/, /leads/...), so a deep link or a reload opens the app. No route is added for them:
 * they are answered where an unknown path would get its 404, so the API's routes (and its
 * OpenAPI document) stay exactly the API's.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** dist/web from the repository root: this file is three levels down in src/ and in dist/. */
export const WEB_ROOT = fileURLToPath(new URL("../../../dist/web/", import.meta.url));

/** The app's own pages (its client routes): a reload or a deep link there gets index.html. */
const APP_PAGES = /^\/(|login|leads|accounts|model|analytics|alerts|settings)(\/.*)?$/;
const ASSET = /^\/assets\/[A-Za-z0-9._-]+$/;
const YEAR_SECONDS = 365 * 86_400;

export interface DashboardFiles {
  /** True when the request was answered with a file of the dashboard. */
  serve(request: FastifyRequest, reply: FastifyReply): boolean;
}

export async function setupStatic(app: FastifyInstance, root = WEB_ROOT): Promise<DashboardFiles> {
  if (!existsSync(`${root}index.html`)) return { serve: () => false };
  await app.register(fastifyStatic, {
    root,
    serve: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
  });
  // Top-level files (favicon...) as they are at start: a request can only name one of these.
  const topFiles = new Set(
    readdirSync(root)
      .filter((name) => name !== "index.html" && statSync(`${root}${name}`).isFile())
      .map((name) => `/${name}`),
  );
  return {
    serve(request, reply) {
      if (request.method !== "GET" && request.method !== "HEAD") return false;
      const path = request.url.split("?")[0];
      if (ASSET.test(path)) {
        if (!existsSync(`${root}${path.slice(1)}`)) return false;
        reply.header("cache-control", `public, max-age=${YEAR_SECONDS}, immutable`);
        reply.sendFile(path.slice(1));
        return true;
      }
      if (topFiles.has(path)) {
        reply.header("cache-control", "public, max-age=3600");
        reply.sendFile(path.slice(1));
        return true;
      }
      if (!APP_PAGES.test(path)) return false;
      reply.header("cache-control", "no-cache");
      reply.sendFile("index.html");
      return true;
    },
  };
}
