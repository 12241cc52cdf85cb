import { describeValue, invalidArgument } from '../errors/index.js';
import { checkRetention, type RetentionOptions } from './retention.js';

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
}

/** A validated project definition: what `tributary validate` and the scheduler load. */
export interface ProjectDefinition {
  readonly [PROJECT_BRAND]: true;
  readonly name?: string;
  readonly dags: readonly string[];
  readonly retention?: RetentionOptions;
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
  const { name, dags, retention } = options;
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
  return Object.freeze({
    [PROJECT_BRAND]: true as const,
    ...(name === undefined ? {} : { name }),
    dags: Object.freeze([...(dags as readonly string[])]),
    ...(retention === undefined ? {} : { retention: checkRetention(retention, 'the project') }),
  });
}

/** True for a value made by {@link defineProject} (in this copy of Tributary or another). */
export function isProjectDefinition(value: unknown): value is ProjectDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[PROJECT_BRAND] === true
  );
}
