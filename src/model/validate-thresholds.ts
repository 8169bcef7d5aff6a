/** Thresholds, grades, MQL criteria, roll-up and clamps must be in order and name real dimensions. */
import type { ModelPath, PathIssue } from "./errors.js";
import type { Model } from "./schema.js";
import { didYouMean } from "./suggest.js";

type Issue = PathIssue;

export function validateThresholds(model: Model): Issue[] {
  const dimensions = model.dimensions.map((dimension) => dimension.id);
  return [
    ...temperatures(model),
    ...grades(model, dimensions),
    ...mql(model, dimensions),
    ...account(model, dimensions),
    ...clamps(model),
  ];
}

function temperatures(model: Model): Issue[] {
  const temperature = model.thresholds?.temperature;
  if (temperature === undefined || temperature.warm < temperature.hot) return [];
  return [
    {
      path: ["thresholds", "temperature", "hot"],
      message: `hot (${temperature.hot}) must be greater than warm (${temperature.warm}): a lead gets warm before it gets hot`,
    },
  ];
}

function grades(model: Model, dimensions: string[]): Issue[] {
  const issues: Issue[] = [];
  const fit = model.thresholds?.grades?.fit;
  if (fit !== undefined) {
    const path = ["thresholds", "grades", "fit"];
    issues.push(
      ...dimensionExists(fit.dimension ?? "fit", [...path, "dimension"], dimensions, fit.dimension),
    );
    if (!(fit.A > fit.B)) issues.push(order([...path, "B"], "A", fit.A, "B", fit.B));
    if (!(fit.B > fit.C)) issues.push(order([...path, "C"], "B", fit.B, "C", fit.C));
  }
  const engagement = model.thresholds?.grades?.engagement;
  if (engagement !== undefined) {
    const path = ["thresholds", "grades", "engagement"];
    const dimension = engagement.dimension ?? "engagement";
    issues.push(...dimensionExists(dimension, [...path, "dimension"], dimensions, engagement.dimension));
    if (!(engagement["1"] > engagement["2"])) {
      issues.push(order([...path, "2"], "1", engagement["1"], "2", engagement["2"]));
    }
  }
  return issues;
}

function order(
  path: ModelPath,
  higher: string,
  higherValue: number,
  lower: string,
  lowerValue: number,
): Issue {
  return {
    path,
    message: `grade ${higher} (${higherValue}) must need a higher score than grade ${lower} (${lowerValue})`,
  };
}

/** `given` is what the author wrote; undefined means the default name was assumed. */
function dimensionExists(id: string, path: ModelPath, dimensions: string[], given?: string): Issue[] {
  if (dimensions.includes(id)) return [];
  const why = given === undefined ? ` (the default; set "dimension" to grade another one)` : "";
  const reportAt = given === undefined ? path.slice(0, -1) : path;
  return [
    {
      atKey: given !== undefined && path.at(-2) === "minDimensions",
      path: reportAt,
      message: `no dimension "${id}"${why}${didYouMean(id, dimensions, `Dimensions: ${dimensions.join(", ")}`)}`,
    },
  ];
}

function mql(model: Model, dimensions: string[]): Issue[] {
  const criteria = model.thresholds?.mql;
  if (criteria === undefined) return [];
  const issues: Issue[] = [];
  for (const id of Object.keys(criteria.minDimensions ?? {})) {
    issues.push(...dimensionExists(id, ["thresholds", "mql", "minDimensions", id], dimensions, id));
  }
  const graded = model.thresholds?.grades;
  if (criteria.matrix !== undefined && (graded?.fit === undefined || graded?.engagement === undefined)) {
    issues.push({
      path: ["thresholds", "mql", "matrix"],
      message:
        "the MQL matrix needs both thresholds.grades.fit and thresholds.grades.engagement, or no lead can qualify",
    });
  }
  return issues;
}

function account(model: Model, dimensions: string[]): Issue[] {
  const issues: Issue[] = [];
  const temperature = model.account?.temperature;
  if (temperature !== undefined && !(temperature.warm < temperature.hot)) {
    issues.push({
      path: ["account", "temperature", "hot"],
      message: `hot (${temperature.hot}) must be greater than warm (${temperature.warm})`,
    });
  }
  const of = model.account?.rollup?.of;
  if (of !== undefined && of !== "total" && !dimensions.includes(of)) {
    issues.push({
      path: ["account", "rollup", "of"],
      message: `roll-up of "${of}": use "total" or a dimension id${didYouMean(of, ["total", ...dimensions])}`,
    });
  }
  return issues;
}

function clamps(model: Model): Issue[] {
  const sites: [{ min?: number; max?: number } | null | undefined, ModelPath][] = [
    [model.scale, ["scale"]],
    [model.account?.clamp, ["account", "clamp"]],
    ...model.dimensions.map((d, i): [typeof d.clamp, ModelPath] => [d.clamp, ["dimensions", i, "clamp"]]),
  ];
  return sites
    .filter(([clamp]) => clamp?.min !== undefined && clamp.max !== undefined && clamp.min > clamp.max)
    .map(([clamp, path]) => ({ path, message: `min (${clamp?.min}) is greater than max (${clamp?.max})` }));
}
