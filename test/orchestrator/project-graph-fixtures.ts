import { defineDag, sensor, type SensorDefinition } from '../../src/durable/index.js';
import { DagRegistry } from '../../src/orchestrator/index.js';

/** The kinds of edge between two DAGs (a signal wait joins a signal to a DAG). */
export type DagEdgeKind = 'dependsOn' | 'trigger' | 'sensor';
export const DAG_EDGE_KINDS: readonly DagEdgeKind[] = ['dependsOn', 'trigger', 'sensor'];

/** An edge upstream -> downstream, as the graph of DAGs has it. */
export interface EdgeSpec {
  readonly from: string;
  readonly to: string;
  readonly kind: DagEdgeKind | 'signal';
  readonly crossEnvironment?: boolean;
  /** A run sensor on one task of the upstream. */
  readonly task?: string;
}

export interface DagSpec {
  readonly id: string;
  readonly environment?: string;
  readonly schedule?: string;
  /** Static nodes besides the sensors (default 1). */
  readonly nodes?: number;
  readonly on?: 'success' | 'failure';
}

/**
 * A registry of DAGs declaring exactly `edges`: a dependency or a sensor is declared by its
 * downstream, a trigger by its upstream; a `signal` edge's `from` is the signal's name and is
 * declared as a dependency (even index) or a signal sensor (odd index).
 */
export function registryOf(
  dags: readonly (string | DagSpec)[],
  edges: readonly EdgeSpec[],
  options: { readonly environment?: string } = {},
): DagRegistry {
  const registry = new DagRegistry('/repo', options);
  for (const given of dags) {
    const spec: DagSpec = typeof given === 'string' ? { id: given } : given;
    const { id } = spec;
    const dependsOn: ({ dag: string; crossEnvironment?: boolean } | { signal: string })[] = [];
    const triggers: { dag: string; crossEnvironment?: boolean; on?: 'success' | 'failure' }[] = [];
    const sensors: Record<string, SensorDefinition> = {};
    edges.forEach((e, i) => {
      const cross =
        e.crossEnvironment === undefined ? {} : { crossEnvironment: e.crossEnvironment };
      if (e.kind === 'trigger' && e.from === id)
        triggers.push({ dag: e.to, ...cross, ...(spec.on === undefined ? {} : { on: spec.on }) });
      if (e.to !== id) return;
      if (e.kind === 'dependsOn') dependsOn.push({ dag: e.from, ...cross });
      if (e.kind === 'sensor')
        sensors[`wait_${i}`] = sensor.run({
          dag: e.from,
          ...cross,
          ...(e.task === undefined ? {} : { task: e.task }),
        });
      if (e.kind === 'signal') {
        if (i % 2 === 0) dependsOn.push({ signal: e.from });
        else sensors[`signal_${i}`] = sensor.signal({ name: e.from });
      }
    });
    const work = Array.from({ length: spec.nodes ?? 1 }, (_, i) => `work${i}`);
    registry.add(
      defineDag({
        id,
        ...(spec.environment === undefined ? {} : { environment: spec.environment }),
        ...(spec.schedule === undefined ? {} : { schedule: spec.schedule }),
        dag: (b) => {
          for (const name of work) b.addNode(name);
          for (const node of Object.keys(sensors)) b.addEdge(node, work[0]!);
          return b;
        },
        tasks: Object.fromEntries(work.map((name) => [name, () => name])),
        dependsOn,
        triggers,
        sensors,
      }),
      `/repo/dags/${id}.dag.ts`,
    );
  }
  return registry;
}
