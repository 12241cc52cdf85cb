/**
 * The floor of a runtime modification (bench:exec): the work any Map-indexed in-process engine
 * must do to apply a fan-out, and nothing else. It is what the "apply one modification" rows of
 * the executor benchmark are compared against, in the same process.
 *
 * What it does, for `discover -> part_i -> merge` with `discover` succeeded and `merge` pending:
 * rejects a name already taken, indexes every new name in a Map, stores each spec by reference,
 * appends each edge to per-node adjacency lists both ways (ids resolved through the index),
 * gives each new node a state and its count of finished parents, queues the new nodes whose
 * parents all succeeded, and keeps the modification itself, by reference, as the audit record.
 * No validation beyond names, no cycle check (the new nodes cannot close one), no undo log, no
 * priorities.
 */

const PENDING = 0;
const READY = 1;
const SUCCEEDED = 4;

/** A fan-out spec as the benchmark builds it. */
export interface FanOutSpec {
  readonly name: string;
  readonly dependencies: readonly string[];
  readonly dependents: readonly string[];
}

/** The state of a two-node run, ready to receive the fan-out. */
export interface FloorRun {
  readonly ids: Map<string, number>;
  readonly specs: unknown[];
  readonly out: number[][];
  readonly in: number[][];
  readonly state: number[];
  readonly doneParents: number[];
  readonly ready: number[];
  readonly audit: unknown[];
}

/** `discover` (succeeded) -> `merge` (pending). */
export function floorRun(): FloorRun {
  return {
    ids: new Map([
      ['discover', 0],
      ['merge', 1],
    ]),
    specs: [{ name: 'discover' }, { name: 'merge' }],
    out: [[1], []],
    in: [[], [0]],
    state: [SUCCEEDED, PENDING],
    doneParents: [0, 1],
    ready: [],
    audit: [],
  };
}

/** Apply `addNodes` to `run` doing only the necessary work; returns the number of ready nodes. */
export function applyFloor(run: FloorRun, addNodes: readonly FanOutSpec[]): number {
  const { ids, specs, out, state, doneParents } = run;
  const inn = run.in;
  for (const spec of addNodes) {
    if (ids.has(spec.name)) throw new Error(`duplicate ${spec.name}`);
    ids.set(spec.name, specs.length);
    specs.push(spec);
    out.push([]);
    inn.push([]);
    state.push(PENDING);
    doneParents.push(0);
  }
  for (const spec of addNodes) {
    const v = ids.get(spec.name)!;
    for (const dep of spec.dependencies) {
      const u = ids.get(dep);
      if (u === undefined) throw new Error(`unknown ${dep}`);
      out[u]!.push(v);
      inn[v]!.push(u);
      if (state[u] === SUCCEEDED) doneParents[v]!++;
    }
    for (const dep of spec.dependents) {
      const w = ids.get(dep);
      if (w === undefined) throw new Error(`unknown ${dep}`);
      out[v]!.push(w);
      inn[w]!.push(v);
    }
    if (doneParents[v] === inn[v]!.length) {
      state[v] = READY;
      run.ready.push(v);
    }
  }
  run.audit.push(addNodes);
  return run.ready.length;
}
