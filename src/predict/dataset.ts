/**
 * The in-memory training table every predictive model reads: one typed column per feature
 * (column-major, so histogram building and binning walk contiguous memory) and an optional
 * 0/1 label. Pure data: loaders (flat CSV, contacts as of a snapshot) build it, models read it.
 */

/** A numeric feature; NaN marks a missing value (kept as information, never imputed silently). */
export interface NumericColumn {
  kind: "numeric";
  name: string;
  values: Float64Array;
}

/**
 * A categorical feature; codes index `levels`, -1 marks a missing value. Rare levels are
 * grouped by the loader into one level (named in `levels`, usually "(other)").
 */
export interface CategoricalColumn {
  kind: "categorical";
  name: string;
  levels: string[];
  codes: Int32Array;
}

export type FeatureColumn = NumericColumn | CategoricalColumn;

export interface Dataset {
  rows: number;
  features: FeatureColumn[];
  /** 1 = converted, 0 = not; absent when the table is only to be scored. */
  label?: Uint8Array;
}

/** The rows at `indices`, in that order (for splits and folds). */
export function takeRows(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const n = indices.length;
  const features = dataset.features.map((column): FeatureColumn => {
    if (column.kind === "numeric") {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = column.values[indices[i]];
      return { kind: "numeric", name: column.name, values };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = column.codes[indices[i]];
    return { kind: "categorical", name: column.name, levels: column.levels, codes };
  });
  let label: Uint8Array | undefined;
  if (dataset.label) {
    const source = dataset.label;
    label = new Uint8Array(n);
    for (let i = 0; i < n; i++) label[i] = source[indices[i]];
  }
  return { rows: n, features, label };
}
