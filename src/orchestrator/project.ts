import { describeValue, invalidArgument } from '../errors/index.js';
import { isEnvironmentName } from '../durable/index.js';
import { checkRetention, type RetentionOptions } from './retention.js';
import { externalAssets, type ExternalAssetOptions } from './external-assets.js';

const PROJECT_BRAND = Symbol.for('tributary.project-definition');

/** What a project's config module (`tributary.config.ts`) declares. */
export interface ProjectOptions {
  /** Shown by the CLI; defaults to the config file's folder name. */
  readonly name?: string;
  /**
   * The DAG modules, relative to the config file: paths, or globs that select `.dag.` files
   * (`dags/**\/*.dag.ts`). Never a whole folder: example scripts run when imported.
   */
  readonly dags: readonly string[];
  /** Prune old finished runs while `tributary scheduler` runs (see `RetentionOptions`). */
  readonly retention?: RetentionOptions;
  /**
   * The environment of every DAG that names none (`prod`, `staging`, ...). Default `default`.
   */
  readonly environment?: string;
  /** Thresholds of `tributary lint`. */
  readonly lint?: ProjectLintOptions;
  /**
   * Assets written outside Tributary (a file a partner drops, a table another system loads),
   * which DAGs may run on: URIs, or `{ asset, partitions }` for a partitioned one. Their events
   * come from `tributary asset emit` or the library. A condition on an asset that is neither
   * produced by a DAG nor declared here is refused (`UNKNOWN_ASSET`): a typo never makes a DAG
   * that silently never runs.
   */
  readonly assets?: readonly (string | ExternalAssetOptions)[];
}

/** Thresholds of `tributary lint` (see `lintProject`). */
export interface ProjectLintOptions {
  /** A DAG with more static nodes than this is a Mega-DAG. Default 200. */
  readonly maxNodes?: number;
  /** A chain of more triggers than this, one DAG starting the next, is too deep. Default 4. */
  readonly maxTriggerDepth?: number;
}

/** A validated project definition: what `tributary validate` and the scheduler load. */
export interface ProjectDefinition {
  readonly [PROJECT_BRAND]: true;
  readonly name?: string;
  readonly dags: readonly string[];
  readonly retention?: RetentionOptions;
  readonly environment?: string;
  readonly lint?: ProjectLintOptions;
  readonly assets?: readonly (string | ExternalAssetOptions)[];
}

/**
 * Declare a project: the DAG modules the scheduler, `validate` and lineage see together.
 * Export it as the default export of `tributary.config.ts`.
 *
 * @example
 * ```ts
 * export default defineProject({ dags: ['dags/**\/*.dag.ts', 'legacy/etl.ts'] });
 * ```
 */
export function defineProject(options: ProjectOptions): ProjectDefinition {
  if (typeof options !== 'object' || options === null)
    invalidArgument('the project definition', 'an object', options);
  const { name, dags, retention, environment, lint, assets } = options;
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    invalidArgument('`name` of the project', 'a non-empty string', name);
  if (!Array.isArray(dags) || dags.length === 0)
    invalidArgument('`dags` of the project', 'a non-empty array of paths or globs', dags);
  for (const entry of dags as readonly unknown[]) {
    if (typeof entry !== 'string' || entry === '')
      invalidArgument(
        `an entry of \`dags\` (${describeValue(entry)})`,
        'a path or a glob such as "dags/**/*.dag.ts"',
        entry,
      );
  }
  if (environment !== undefined && !isEnvironmentName(environment))
    invalidArgument(
      '`environment` of the project',
      'a non-empty string of letters, digits, `_`, `.` or `-`',
      environment,
    );
  if (lint !== undefined) checkLintOptions(lint, '`lint` of the project');
  if (assets !== undefined) externalAssets(assets);
  return Object.freeze({
    [PROJECT_BRAND]: true as const,
    ...(name === undefined ? {} : { name }),
    dags: Object.freeze([...(dags as readonly string[])]),
    ...(retention === undefined ? {} : { retention: checkRetention(retention, 'the project') }),
    ...(environment === undefined ? {} : { environment }),
    ...(lint === undefined ? {} : { lint: Object.freeze({ ...lint }) }),
    ...(assets === undefined ? {} : { assets: Object.freeze([...assets]) }),
  });
}

/**
 * Check lint thresholds: each an integer >= 1 (`maxTriggerDepth` >= 1 too: a chain of one
 * trigger is never worth a warning); `INVALID_ARGUMENT` quoting the value otherwise.
 *
 * @example
 * ```ts
 * checkLintOptions({ maxNodes: 500 }, '`lint` of the project');
 * ```
 */
export function checkLintOptions(lint: ProjectLintOptions, where: string): void {
  if (typeof lint !== 'object' || lint === null)
    invalidArgument(where, '{ maxNodes?, maxTriggerDepth? }', lint);
  for (const key of ['maxNodes', 'maxTriggerDepth'] as const) {
    const value = lint[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      invalidArgument(`\`${key}\` of ${where}`, 'an integer >= 1', value);
  }
}

/** True for a value made by {@link defineProject} (in this copy of Tributary or another). */
export function isProjectDefinition(value: unknown): value is ProjectDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[PROJECT_BRAND] === true
  );
}
