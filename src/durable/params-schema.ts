import { TributaryError } from '../errors/index.js';

/**
 * A schema of run params in the Standard Schema v1 shape (`~standard.validate`), which zod,
 * valibot, ArkType and others implement: any of them types a DAG's params.
 */
export interface ParamsSchema<Output = Record<string, unknown>> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
  };
}

/** What a Standard Schema's `validate` returns. */
export type SchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly SchemaIssue[] };

/** One problem a schema found. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/**
 * True for a value with a Standard Schema `validate` function.
 *
 * @example
 * ```ts
 * isParamsSchema(z.object({ day: z.string() })); // true (zod 3.24+)
 * ```
 */
export function isParamsSchema(value: unknown): value is ParamsSchema {
  const standard = (value as { '~standard'?: { validate?: unknown } } | null)?.['~standard'];
  return typeof standard === 'object' && typeof standard.validate === 'function';
}

/**
 * Check a run's params against the DAG's schema: the schema's output (defaults and coercions
 * applied) is what the run gets. `INVALID_ARGUMENT` naming the DAG and every issue with its
 * path, and quoting the params, when they do not conform.
 *
 * @example
 * ```ts
 * const params = await checkParams('etl', schema, { day: '2026-12-05' });
 * ```
 */
export async function checkParams(
  dagId: string,
  schema: ParamsSchema,
  params: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const result = await schema['~standard'].validate(params);
  if (result.issues === undefined) return result.value;
  const issues = result.issues.map((issue) => {
    const path = (issue.path ?? [])
      .map((part) => String(typeof part === 'object' ? part.key : part))
      .join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  throw new TributaryError(
    'INVALID_ARGUMENT',
    `Params of DAG "${dagId}" do not match its schema: ${issues.join('; ')} (got ${JSON.stringify(params)})`,
    { context: { dagId, issues, received: params } },
  );
}
