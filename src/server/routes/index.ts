/** Every route module; add a module here to add its routes (and their OpenAPI entries). */
import type { Registry } from "prom-client";
import type { ScoringService } from "../../service/service.js";
import type { RouteTable } from "../route.js";
import type { InputRules, InputSchemas } from "../schemas.js";
import { registerAlertRoutes } from "./alerts.js";
import { registerContactRoutes } from "./contacts.js";
import { registerEventRoutes } from "./events.js";
import { registerModelRoutes } from "./models.js";
import { registerOperationRoutes } from "./operations.js";
import { registerPredictiveRoutes } from "./predictive.js";
import { registerScoreRoutes } from "./scores.js";
import { registerSegmentRoutes } from "./segment.js";

export interface RouteContext {
  table: RouteTable;
  service: ScoringService;
  metrics: Registry;
  /** The validation every write route shares (bounded by the service's settings and clock). */
  inputs: InputSchemas;
  inputRules: InputRules;
}

export const routeModules: Array<(context: RouteContext) => void> = [
  registerOperationRoutes,
  registerContactRoutes,
  registerEventRoutes,
  registerModelRoutes,
  registerScoreRoutes,
  registerSegmentRoutes,
  registerAlertRoutes,
  registerPredictiveRoutes,
];
