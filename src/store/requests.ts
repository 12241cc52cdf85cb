/**
 * Requests from outside a run's owning process (the CLI, later the API): the owner picks them up
 * while it drives the run, or the next owner does when it takes the run over. Each is applied
 * through the engine and completed in the same commit as the journal entries it caused, so a
 * crash can never apply one twice.
 */
export type RunRequestKind = 'cancel' | 'modify' | 'clear' | 'mark';

/** What a requester stores. */
export interface NewRunRequest {
  readonly kind: RunRequestKind;
  /** Who asks: `cli:<user>`, `api:<user>`. */
  readonly actor: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** The request's payload as JSON text (a modification, a clear's selection, a mark), if it has one. */
  readonly body?: string;
}

/** A stored request and, once the owner dealt with it, its outcome. */
export interface RunRequest extends NewRunRequest {
  readonly runId: string;
  /** Increasing per store; requests are applied in id order. */
  readonly id: number;
  readonly state: 'pending' | 'applied' | 'rejected';
  /** JSON text describing the outcome (the audit record, or the error). */
  readonly outcome?: string;
}

/** A request's outcome, written with {@link Commit}. */
export interface RequestOutcome {
  readonly id: number;
  readonly state: 'applied' | 'rejected';
  readonly outcome: string;
}
