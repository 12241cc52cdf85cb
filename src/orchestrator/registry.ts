import { relative } from 'node:path';
import { TributaryError } from '../errors/index.js';
import { referencedDags, type DagDefinition, type Dependency } from '../durable/index.js';

/** A DAG of a project, with the module that defines it. */
export interface RegisteredDag {
  readonly definition: DagDefinition;
  /** Absolute path of the defining module. */
  readonly module: string;
}

/**
 * The DAGs of a project by id: what the scheduler, `validate` and lineage look DAGs up in. Two
 * modules defining one id is an error naming both.
 *
 * @example
 * ```ts
 * const registry = new DagRegistry();
 * registry.add(etl, '/repo/dags/etl.dag.ts');
 * registry.get('etl')?.module; // '/repo/dags/etl.dag.ts'
 * ```
 */
export class DagRegistry implements Iterable<RegisteredDag> {
  readonly #dags = new Map<string, RegisteredDag>();
  readonly #root: string;
  /** Upstream id -> the DAGs that depend on it: built on first use, dropped by `add`. */
  #dependents: Map<string, { definition: DagDefinition; dependency: Dependency }[]> | undefined;

  /** `root` makes module paths in messages relative (the project's folder). */
  constructor(root = process.cwd()) {
    this.#root = root;
  }

  /** Register a definition; `DUPLICATE_DAG` when another module already defines its id. */
  add(definition: DagDefinition, module: string): void {
    const existing = this.#dags.get(definition.id);
    if (existing !== undefined && existing.definition !== definition) {
      const modules = [existing.module, module].map((m) => relative(this.#root, m) || m);
      throw new TributaryError(
        'DUPLICATE_DAG',
        existing.module === module
          ? `Module ${modules[0]} defines two different DAGs with id "${definition.id}"`
          : `DAG id "${definition.id}" is defined by two modules: ${modules[0]} and ${modules[1]}`,
        { context: { dagId: definition.id, modules } },
      );
    }
    this.#dags.set(definition.id, { definition, module });
    this.#dependents = undefined;
  }

  /**
   * The DAGs that declare a dependency on `upstreamId`, with the dependency: what the scheduler
   * re-evaluates when a run of `upstreamId` ends. O(its dependents) per call after an O(E) build.
   */
  dependentsOf(
    upstreamId: string,
  ): readonly { readonly definition: DagDefinition; readonly dependency: Dependency }[] {
    if (this.#dependents === undefined) {
      const index = new Map<string, { definition: DagDefinition; dependency: Dependency }[]>();
      for (const { definition } of this.#dags.values()) {
        for (const dependency of definition.scheduling.dependsOn) {
          let list = index.get(dependency.dag);
          if (list === undefined) index.set(dependency.dag, (list = []));
          list.push({ definition, dependency });
        }
      }
      this.#dependents = index;
    }
    return this.#dependents.get(upstreamId) ?? [];
  }

  /**
   * Check that every DAG a dependency or a trigger names is registered: `DAG_NOT_FOUND` naming
   * the DAG, its module, the kind of reference and the missing id.
   */
  checkReferences(): void {
    for (const { definition, module } of this.#dags.values()) {
      for (const { dag, kind } of referencedDags(definition)) {
        if (this.#dags.has(dag)) continue;
        const verb =
          kind === 'trigger' ? 'triggers' : kind === 'sensor' ? 'has a sensor on' : 'depends on';
        throw new TributaryError(
          'DAG_NOT_FOUND',
          `DAG "${definition.id}" (${relative(this.#root, module) || module}) ${verb} DAG "${dag}", which no module of the project defines`,
          { context: { dagId: definition.id, module, kind, received: dag } },
        );
      }
    }
  }

  get(id: string): RegisteredDag | undefined {
    return this.#dags.get(id);
  }

  get size(): number {
    return this.#dags.size;
  }

  /** Ids in registration order. */
  ids(): string[] {
    return [...this.#dags.keys()];
  }

  [Symbol.iterator](): Iterator<RegisteredDag> {
    return this.#dags.values();
  }
}
