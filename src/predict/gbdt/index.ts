/** Histogram-based gradient-boosted trees for conversion: train, save, load, score. */

export { trainGbdt } from "./boosting.js";
export type { GbdtModel, ModelFeature, Tree, TreeNode } from "./model.js";
export { GBDT_FORMAT } from "./model.js";
export type { GbdtOptions, IterationProgress, TrainCallbacks } from "./options.js";
export { DEFAULT_GBDT_OPTIONS, resolveGbdtOptions } from "./options.js";
export { compileGbdt, predictProbability, predictRaw } from "./predict.js";
export { GbdtModelError, parseGbdt, serializeGbdt } from "./serialize.js";
