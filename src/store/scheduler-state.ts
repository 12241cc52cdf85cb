/**
 * What the scheduler keeps in the store: named marks (its feed cursor, the last period each
 * schedule fired), paused DAGs, and the trigger outbox. Every write a scheduler makes can carry
 * the fence of its role lease, so a scheduler that lost the role cannot write.
 */

/** A run a trigger asks for. */
export interface NewTrigger {
  /** The DAG to run. */
  readonly dagId: string;
  /** The period of the run to start. */
  readonly periodKey: string;
  /** Its identity key (`''` unless the trigger names one). */
  readonly runKey: string;
  /** Params of the run, as JSON text, over the DAG's defaults. */
  readonly params?: string;
  /** What fired it: `run:<id>` (a run's declared trigger), `task:<run>/<node>`, `cli:<user>`. */
  readonly origin: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** A trigger in the outbox and, once the scheduler dealt with it, what came of it. */
export interface StoredTrigger extends NewTrigger {
  /** Rises per store; triggers are handled in id order. */
  readonly id: number;
  /** `done`: it led to a run; `refused`: it could not become one (see `reason`). */
  readonly state: 'pending' | 'done' | 'refused';
  /** The run started (or found with the same identity), when done. */
  readonly runId?: string;
  /** Why it was refused: a period key the DAG does not write, params its schema refuses, ... */
  readonly reason?: string;
}

/** What came of a trigger: the run it led to, or why it could not become one. */
export type TriggerOutcome = { readonly runId: string } | { readonly refused: string };

/** Filters for `listTriggers`. */
export interface TriggerFilter {
  readonly dagId?: string;
  readonly state?: StoredTrigger['state'];
  /** Newest first; default 50. */
  readonly limit?: number;
}

/** A paused DAG: the scheduler starts none of its runs until it is unpaused. */
export interface PausedDag {
  readonly dagId: string;
  readonly by: string;
  readonly at: number;
}

/** The fence of the writer's role lease (see `LeaseStore`); the write fails with `LEASE_LOST` otherwise. */
export interface Fenced {
  readonly key: string;
  readonly fence: number;
}

/** The scheduler's tables. */
export interface SchedulerStore {
  /** A named mark (the scheduler's feed cursor, a schedule's last fired period). */
  getMark(name: string): Promise<string | undefined>;
  setMark(name: string, value: string, fenced?: Fenced): Promise<void>;
  /** Pause or unpause a DAG; false when it already was. A change is written to the feed. */
  setPaused(dagId: string, paused: boolean, by: string, at: number): Promise<boolean>;
  pausedDags(): Promise<PausedDag[]>;
  /** Put triggers in the outbox (a run's triggers go in with its final commit instead). */
  addTriggers(triggers: readonly NewTrigger[]): Promise<void>;
  /** Pending triggers, oldest first; at most `limit` (default 100). */
  pendingTriggers(limit?: number): Promise<StoredTrigger[]>;
  /** Record what came of a trigger: done with the run it led to, or refused with the reason. */
  completeTrigger(id: number, outcome: TriggerOutcome, fenced?: Fenced): Promise<void>;
  /** Triggers of any state, newest first (what `tributary triggers` lists). */
  listTriggers(filter?: TriggerFilter): Promise<StoredTrigger[]>;
}
