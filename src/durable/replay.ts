import type { Codec } from '../codec/index.js';
import { toError, TributaryError } from '../errors/index.js';
import { RunEngine, type EngineOptions, type EngineSnapshot } from '../engine/index.js';
import { runGraphFromDag } from '../executor/index.js';
import type { RunStore } from '../store/index.js';
import { definitionResolver } from './resolver.js';
import type { DagDefinition } from './define.js';
import { isRunEvent, type JournalEntry } from './journal-entry.js';
import { sensorReason } from './sensors.js';

/** A fresh engine for a definition, as every durable run starts: data-only modifications. */
export function createEngine(def: DagDefinition): RunEngine {
  return new RunEngine(runGraphFromDag(def.dag), engineOptions(def));
}

/** The engine options every durable run of `def` uses. */
function engineOptions(def: DagDefinition): EngineOptions {
  const { limits, failFast } = def.options;
  return {
    requireSerializable: true,
    registry: definitionResolver(def),
    ...(def.sensors.size === 0 ? {} : { waitReason: (spec) => sensorReason(def, spec.name) }),
    ...(limits === undefined ? {} : { limits }),
    ...(failFast === undefined ? {} : { failFast }),
  };
}

/**
 * An engine from a stored snapshot of a run of `def`. Edge conditions are code: they come back
 * from the definition's edges.
 */
export function restoreEngine(def: DagDefinition, body: string, codec: Codec): RunEngine {
  const conditions = new Map<string, (result: unknown) => boolean>();
  for (const edge of def.dag.edges()) {
    if (edge.condition !== undefined)
      conditions.set(`${edge.from}\u0000${edge.to}`, edge.condition);
  }
  return RunEngine.restore(codec.decode(body) as EngineSnapshot, engineOptions(def), (from, to) =>
    conditions.get(`${from}\u0000${to}`),
  );
}

/**
 * Read and decode a run's journal, fetching results stored in the artifact area. O(entries).
 */
export async function loadJournal(
  store: RunStore,
  runId: string,
  codec: Codec,
  afterSeq = 0,
): Promise<JournalEntry[]> {
  const stored = await store.loadEvents(runId, afterSeq);
  const entries: JournalEntry[] = [];
  for (const row of stored) {
    let entry: JournalEntry & { resultRef?: string };
    try {
      entry = codec.decode(row.body) as JournalEntry & { resultRef?: string };
    } catch (caught) {
      const cause = toError(caught);
      throw new TributaryError(
        'STORE_CORRUPT',
        `Journal entry ${row.seq} of run "${runId}" (${row.type}) cannot be decoded: ${cause.message}`,
        { context: { runId, seq: row.seq, type: row.type }, cause },
      );
    }
    if (entry.resultRef !== undefined) {
      const { resultRef, ...rest } = entry;
      const body = await store.getArtifact(runId, resultRef);
      // Artifacts are written before the commit that refers to them: a missing one is damage.
      if (body === undefined) {
        throw new TributaryError(
          'STORE_CORRUPT',
          `Run "${runId}" refers to artifact "${resultRef}", which is missing`,
          {
            context: { runId, artifact: resultRef },
          },
        );
      }
      entries.push({
        ...rest,
        result: decodeArtifact(codec, body, runId, resultRef),
      } as JournalEntry);
    } else {
      entries.push(entry);
    }
  }
  return entries;
}

/**
 * A run's engine as its store holds it: the latest snapshot, then the journal after it.
 * Returns the seq the next journal entry gets. O(entries since the snapshot).
 */
export async function loadEngine(
  def: DagDefinition,
  store: RunStore,
  runId: string,
  codec: Codec,
): Promise<{ readonly engine: RunEngine; readonly nextSeq: number }> {
  const snapshot = await store.getSnapshot(runId);
  const base = snapshot === undefined ? undefined : restoreEngine(def, snapshot.body, codec);
  const entries = await loadJournal(store, runId, codec, snapshot?.seq ?? 0);
  // Only the count of entries outlives the replay: a long journal is garbage from here on.
  return {
    engine: replay(def, entries, base),
    nextSeq: (snapshot?.seq ?? 0) + entries.length + 1,
  };
}

/**
 * Rebuild a run's state by feeding its journal's input events to a fresh engine. Deterministic:
 * the result equals the state of the live run after the same events.
 */
export function replay(
  def: DagDefinition,
  entries: readonly JournalEntry[],
  engine: RunEngine = createEngine(def),
): RunEngine {
  for (const entry of entries) if (isRunEvent(entry)) engine.apply(entry);
  return engine;
}

function decodeArtifact(codec: Codec, body: string, runId: string, key: string): unknown {
  try {
    return codec.decode(body);
  } catch (caught) {
    const cause = toError(caught);
    throw new TributaryError(
      'STORE_CORRUPT',
      `Artifact "${key}" of run "${runId}" cannot be decoded: ${cause.message}`,
      { context: { runId, artifact: key }, cause },
    );
  }
}
