/** The dashboard's server side: its files, the session cookie and CSRF check, and its routes. */
import type { FastifyInstance } from "fastify";
import type { ScoringService } from "../../service/service.js";
import { setupCsrf } from "./csrf.js";
import { type SessionScopes, sessionScopes } from "./session.js";
import { type DashboardFiles, setupStatic } from "./static.js";

export { registerDashboardRoutes } from "./auth-routes.js";

export interface Dashboard {
  files: DashboardFiles;
  sessions: SessionScopes;
}

export async function setupDashboard(app: FastifyInstance, service: ScoringService): Promise<Dashboard> {
  await setupCsrf(app);
  const files = await setupStatic(app);
  return { files, sessions: sessionScopes(service.users) };
}
