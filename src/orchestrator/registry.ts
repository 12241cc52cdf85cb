import { relative } from 'node:path';
import type { PeriodSpace } from '../time/index.js';
import { externalAssets, type ExternalAssetOptions } from './external-assets.js';
import { invalidArgument, TributaryError } from '../errors/index.js';
import {
  isEnvironmentName,
  referencedDags,
  type DagDefinition,
  type Dependency,
} from '../durable/index.js';

/**
 * The environment of a DAG when neither it nor its project names one.
 *
 * @example
 * ```ts
 * new DagRegistry('/repo').environment === DEFAULT_ENVIRONMENT; // true
 * ```
 */
export const DEFAULT_ENVIRONMENT = 'default';

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
  /** The environment of the DAGs that name none: the project's, else `default`. */
  readonly environment: string;
  /** Assets written outside Tributary that the project declares, with their partitions. */
  readonly externalAssets: ReadonlyMap<string, PeriodSpace>;
  /** Upstream id -> the DAGs that depend on it: built on first use, dropped by `add`. */
  #dependents: Map<string, { definition: DagDefinition; dependency: Dependency }[]> | undefined;

  /**
   * `root` makes module paths in messages relative (the project's folder); `environment` is the
   * project's default environment (default {@link DEFAULT_ENVIRONMENT}); `assets` its external
   * assets (see `ProjectOptions.assets`).
   */
  constructor(
    root = process.cwd(),
    options: {
      readonly environment?: string;
      readonly assets?: readonly (string | ExternalAssetOptions)[];
    } = {},
  ) {
    this.#root = root;
    const { environment = DEFAULT_ENVIRONMENT } = options;
    if (!isEnvironmentName(environment))
      invalidArgument(
        'the default `environment` of a registry',
        'an environment name',
        environment,
      );
    this.environment = environment;
    this.externalAssets = externalAssets(options.assets ?? []);
  }

  /**
   * The environment of DAG `id`: its own, else the registry's default; undefined for an id not
   * registered.
   *
   * @example
   * ```ts
   * new DagRegistry('/repo', { environment: 'prod' }).environmentOf('etl'); // 'prod' once etl is added
   * ```
   */
  environmentOf(id: string): string | undefined {
    const registered = this.#dags.get(id);
    return registered === undefined
      ? undefined
      : (registered.definition.environment ?? this.environment);
  }

  /** A module path for messages: relative to the project's folder. */
  displayPath(module: string): string {
    return relative(this.#root, module) || module;
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
