import { jsonCodec } from '../../codec/index.js';
import { NonRetryableError, toError, TributaryError, type ErrorCode } from '../../errors/index.js';

/*
 * The messages between the run's thread and a task's worker thread. Values (input, params,
 * upstream results, the result, a modification, an error's context) cross as text of the JSON
 * codec, the codec journals use: a value an isolated task can return is a value a durable run
 * can record.
 */

/** Start an attempt (run thread → worker). */
export interface RunMessage {
  readonly type: 'run';
  /** The call's number on this thread: replies carry it. */
  readonly call: number;
  /** File URL of the module that exports the task. */
  readonly module: string;
  readonly task: string;
  readonly node: string;
  readonly runId: string;
  readonly attempt: number;
  readonly input: string;
  readonly params: string;
  /** The run's period (codec text), if it has one. */
  readonly period: string | undefined;
}

/** What a worker thread sends back while, and when, an attempt runs. */
export type WorkerMessage =
  | { readonly type: 'done'; readonly call: number; readonly ok: true; readonly value: string }
  | { readonly type: 'done'; readonly call: number; readonly ok: false; readonly error: WireError }
  | {
      readonly type: 'log';
      readonly call: number;
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly message: string;
      readonly fields: string | undefined;
    }
  | {
      readonly type: 'console';
      readonly call: number;
      readonly method: ConsoleMethod;
      readonly text: string;
    };

/** Console methods a worker relays, so a run that captures console output sees them. */
export type ConsoleMethod = 'log' | 'info' | 'debug' | 'warn' | 'error';

/**
 * A synchronous question of the task's context (worker → run thread, answered while the worker
 * waits): `ctx.upstream`, `ctx.upstreamResults` and `ctx.modify` read and change the run's
 * live state.
 */
export type SyncRequest =
  | { readonly op: 'upstream'; readonly name: string }
  | { readonly op: 'upstreamResults' }
  | { readonly op: 'modify'; readonly modification: string }
  | { readonly op: 'trigger'; readonly dag: string; readonly options: string }
  | { readonly op: 'materialize'; readonly asset: string; readonly details: string };

/** The answer to a {@link SyncRequest}. */
export type SyncReply =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: WireError };

/** An error as it crosses threads: enough to rebuild its class, code, retryability and stack. */
export interface WireError {
  readonly kind: 'tributary' | 'non-retryable' | 'error';
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
  /** Codec text of the context (Tributary errors) or of the own fields (others). */
  readonly context: string | undefined;
  readonly retryable: boolean;
  readonly cause: WireError | undefined;
}

const MAX_CAUSES = 8;

/**
 * Flatten a thrown value for the trip to the other thread.
 *
 * @example
 * ```ts
 * const wire = toWire(new NonRetryableError('bad credentials'));
 * fromWire(wire) instanceof NonRetryableError; // true
 * ```
 */
export function toWire(thrown: unknown, depth = 0): WireError {
  const error = toError(thrown);
  const cause = (error as { cause?: unknown }).cause;
  const base = {
    name: error.name,
    message: error.message,
    stack: error.stack,
    cause:
      cause === undefined || cause === thrown || depth >= MAX_CAUSES
        ? undefined
        : toWire(cause, depth + 1),
  };
  if (error instanceof TributaryError) {
    return {
      ...base,
      kind: 'tributary',
      code: error.code,
      context: encodeQuietly(error.context),
      retryable: error.retryable,
    };
  }
  const code = (error as { code?: unknown }).code;
  return {
    ...base,
    kind: error instanceof NonRetryableError ? 'non-retryable' : 'error',
    code: typeof code === 'string' ? code : undefined,
    context: undefined,
    retryable: true,
  };
}

/** Rebuild an error sent by {@link toWire}: same class (for Tributary's own), code and stack. */
export function fromWire(wire: WireError): Error {
  const cause = wire.cause === undefined ? undefined : fromWire(wire.cause);
  let error: Error;
  switch (wire.kind) {
    case 'tributary':
      error = new TributaryError(wire.code as ErrorCode, wire.message, {
        context: decodeQuietly(wire.context),
        retryable: wire.retryable,
        cause,
      });
      break;
    case 'non-retryable':
      error = new NonRetryableError(wire.message, cause === undefined ? undefined : { cause });
      break;
    case 'error':
      error = new Error(wire.message, cause === undefined ? undefined : { cause });
      error.name = wire.name;
      if (wire.code !== undefined) (error as Error & { code: string }).code = wire.code;
      break;
  }
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

/** Context that cannot be encoded (a cycle) is not worth losing the error for. */
function encodeQuietly(value: unknown): string | undefined {
  try {
    return jsonCodec.encode(value);
  } catch {
    return undefined;
  }
}

function decodeQuietly(text: string | undefined): Record<string, unknown> {
  return text === undefined ? {} : (jsonCodec.decode(text) as Record<string, unknown>);
}
