import type { DAG } from '../graph/index.js';

const texts = new WeakMap<DAG, string>();

/**
 * A DAG as the JSON text a run records (`RunRecord.graph`) and a resume compares, made once per
 * DAG: a DAG is immutable, and the text of a large one costs O(V + E) (3.5% of a durable run of
 * a 100k-node DAG when it was made for every run).
 *
 * @example
 * ```ts
 * graphText(def.dag) === JSON.stringify(def.dag.toJSON()); // true
 * ```
 */
export function graphText(dag: DAG): string {
  let text = texts.get(dag);
  if (text === undefined) texts.set(dag, (text = JSON.stringify(dag.toJSON())));
  return text;
}
