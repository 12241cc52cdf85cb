/**
 * Stable, machine-readable error codes. A code never changes meaning once published; new
 * failure kinds get new codes.
 */
export const ErrorCode = {
  CYCLE_DETECTED: 'CYCLE_DETECTED',
  DUPLICATE_NODE: 'DUPLICATE_NODE',
  DUPLICATE_EDGE: 'DUPLICATE_EDGE',
  UNKNOWN_NODE: 'UNKNOWN_NODE',
  UNKNOWN_EDGE: 'UNKNOWN_EDGE',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  DEPENDENCY_RACE: 'DEPENDENCY_RACE',
  NODE_ALREADY_STARTED: 'NODE_ALREADY_STARTED',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  NOT_SERIALIZABLE: 'NOT_SERIALIZABLE',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  EXPANDER_FAILED: 'EXPANDER_FAILED',
  MODIFICATION_REJECTED: 'MODIFICATION_REJECTED',
  TASK_TIMEOUT: 'TASK_TIMEOUT',
  TASK_NOT_FOUND: 'TASK_NOT_FOUND',
  EXPANDER_NOT_FOUND: 'EXPANDER_NOT_FOUND',
  RUN_TIMEOUT: 'RUN_TIMEOUT',
  RUN_CANCELLED: 'RUN_CANCELLED',
  RUN_NOT_FOUND: 'RUN_NOT_FOUND',
  RUN_FINISHED: 'RUN_FINISHED',
  RUN_ACTIVE: 'RUN_ACTIVE',
  RUN_EXISTS: 'RUN_EXISTS',
  /** The run's journal, logs and artifacts were removed by retention; its summary is kept. */
  RUN_PRUNED: 'RUN_PRUNED',
  DAG_NOT_FOUND: 'DAG_NOT_FOUND',
  STORE_CORRUPT: 'STORE_CORRUPT',
  SCHEMA_VERSION: 'SCHEMA_VERSION',
  MODULE_LOAD_FAILED: 'MODULE_LOAD_FAILED',
  DEFINITION_CHANGED: 'DEFINITION_CHANGED',
  /** The run's lease was taken over: this owner can no longer write (it stops). */
  LEASE_LOST: 'LEASE_LOST',
  /** A database file that was expected to exist does not. */
  STORE_NOT_FOUND: 'STORE_NOT_FOUND',
  /** A native module (better-sqlite3) cannot be loaded: missing, or built for another Node.js. */
  NATIVE_MODULE: 'NATIVE_MODULE',
  /** Nothing running, ready or scheduled, yet the run is not finished: a bug. */
  RUN_STALLED: 'RUN_STALLED',
  /** An interceptor called `next()` more than once. */
  INTERCEPTOR_MISUSE: 'INTERCEPTOR_MISUSE',
  /** A run's journal was written with a codec that was not given. */
  UNKNOWN_CODEC: 'UNKNOWN_CODEC',
  /** The command line was wrong: unknown command or option, missing argument, invalid choice. */
  USAGE: 'USAGE',
  /** An error Tributary did not classify (a bug, or a dependency failing in a way not wrapped). */
  INTERNAL: 'INTERNAL',
  /** A module exports two different DAG definitions with the same id. */
  DUPLICATE_DAG: 'DUPLICATE_DAG',
  /** An isolated task's worker thread went past its memory limit; the attempt failed. */
  WORKER_OUT_OF_MEMORY: 'WORKER_OUT_OF_MEMORY',
  /** An isolated task's worker thread ended (`process.exit` in the task) before the task did. */
  WORKER_EXITED: 'WORKER_EXITED',
  /** A cron expression that does not parse or never fires. */
  INVALID_CRON: 'INVALID_CRON',
  /** A time zone name that is not an IANA zone the platform knows. */
  UNKNOWN_TIMEZONE: 'UNKNOWN_TIMEZONE',
  /** A period key that names no period of the DAG's period space. */
  INVALID_PERIOD_KEY: 'INVALID_PERIOD_KEY',
  /** A partition mapping found no upstream period for a downstream period. */
  PERIOD_NOT_MAPPED: 'PERIOD_NOT_MAPPED',
  /** A range of partitions whose first key comes after its last. */
  INVALID_RANGE: 'INVALID_RANGE',
  /** A partition mapping between two period spaces it cannot map (see `checkMapping`). */
  MAPPING_INCOMPATIBLE: 'MAPPING_INCOMPATIBLE',
  /** A clear or mark named a node whose attempt is running or waiting for its retry. */
  NODE_ACTIVE: 'NODE_ACTIVE',
  /** A clear found nothing finished to reopen, or named a node that changed the graph. */
  NOT_CLEARABLE: 'NOT_CLEARABLE',
  /** The error of a node marked `failed` by hand. */
  MARKED_FAILED: 'MARKED_FAILED',
  /** A sensor waited longer than its `timeoutMs`. */
  SENSOR_TIMEOUT: 'SENSOR_TIMEOUT',
  /** A sensor's upstream run ended in a state it does not accept: it fails at once. */
  UPSTREAM_FAILED: 'UPSTREAM_FAILED',
  /**
   * A dependency, trigger or sensor joins DAGs of two environments without saying
   * `crossEnvironment: true`.
   */
  CROSS_ENVIRONMENT: 'CROSS_ENVIRONMENT',
  /** A value that is not an asset URI (`warehouse://sales/daily`). */
  INVALID_ASSET: 'INVALID_ASSET',
  /** An asset no DAG produces and the project does not declare external (a typo, most often). */
  UNKNOWN_ASSET: 'UNKNOWN_ASSET',
  /** A backfill id that is taken. */
  BACKFILL_EXISTS: 'BACKFILL_EXISTS',
  /** A backfill id (or a plan row of it) that the store does not have. */
  BACKFILL_NOT_FOUND: 'BACKFILL_NOT_FOUND',
  /** An operation this large needs an explicit confirmation (a backfill of a million periods). */
  CONFIRMATION_REQUIRED: 'CONFIRMATION_REQUIRED',
} as const;

/** One of the stable {@link ErrorCode} strings. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Typed context carried by an error; every field is optional and JSON-serializable. */
export interface ErrorContext {
  readonly runId?: string;
  readonly node?: string;
  readonly cyclePath?: readonly string[];
  readonly received?: unknown;
  readonly [key: string]: unknown;
}

/**
 * The base of every error Tributary throws. `code` is stable and meant for programs;
 * `message` is meant for people and quotes what was received.
 *
 * @example
 * ```ts
 * try {
 *   dag.successors('nope');
 * } catch (error) {
 *   if (error instanceof TributaryError && error.code === 'UNKNOWN_NODE') console.log(error.context.node);
 * }
 * ```
 */
export class TributaryError extends Error {
  /**
   * `instanceof` holds across copies of the library (a global CLI with a project-local
   * library, `dist/` beside `src/`): it checks a `Symbol.for` brand, not the prototype chain.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, TRIBUTARY_ERROR);
  }

  readonly code: ErrorCode;
  readonly context: ErrorContext;
  /** False when retrying the operation cannot help. */
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { context?: ErrorContext; cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TributaryError';
    brand(this, TRIBUTARY_ERROR);
    this.code = code;
    this.context = options.context ?? {};
    this.retryable = options.retryable ?? false;
  }

  /** A JSON-friendly view: code, message and context (the cause is flattened to its message). */
  toJSON(): { name: string; code: ErrorCode; message: string; context: ErrorContext } {
    return { name: this.name, code: this.code, message: this.message, context: this.context };
  }
}

/**
 * Thrown by a task to say that retrying cannot help: the executor fails the node at once,
 * whatever its retry policy.
 *
 * @example
 * ```ts
 * const task = () => { throw new NonRetryableError('credentials rejected'); };
 * ```
 */
export class NonRetryableError extends Error {
  /** `instanceof` holds across copies of the library, as for {@link TributaryError}. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, NON_RETRYABLE);
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
    brand(this, NON_RETRYABLE);
  }
}

const TRIBUTARY_ERROR = Symbol.for('tributary.error');
const NON_RETRYABLE = Symbol.for('tributary.non-retryable-error');

/** Mark an error (non-enumerable, so it never shows in logs or JSON). */
function brand(error: Error, symbol: symbol): void {
  Object.defineProperty(error, symbol, { value: true });
}

function hasBrand(value: unknown, symbol: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[symbol] === true
  );
}
