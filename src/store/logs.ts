/** Severity of a task log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where a log line came from: the task's context logger, or its console output. */
export type LogSource = 'log' | 'stdout' | 'stderr';

/** One line a task attempt wrote, as stored with its run. */
export interface LogLine {
  readonly node: string;
  readonly attempt: number;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly level: LogLevel;
  readonly source: LogSource;
  readonly message: string;
  /** Structured fields as JSON text. */
  readonly fields?: string;
}

/** A stored log line: `id` rises in the order lines were committed, per store. */
export interface StoredLogLine extends LogLine {
  readonly id: number;
}

/** Filters of `loadLogs`. */
export interface LogFilter {
  readonly node?: string;
  /** Only lines with a larger id (to follow a live run). */
  readonly afterId?: number;
  /** At most this many lines; default all. */
  readonly limit?: number;
}
