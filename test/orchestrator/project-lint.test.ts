import { describe, expect, it } from 'vitest';
import { TributaryError } from '../../src/errors/index.js';
import { defineProject, lintProject } from '../../src/orchestrator/index.js';
import { registryOf, type EdgeSpec } from './project-graph-fixtures.js';

// `tributary lint`: seed 000's anti-patterns between DAGs, each warning with how to fix it.

const chain = (length: number): EdgeSpec[] =>
  Array.from({ length }, (_, i) => ({ from: `c${i}`, to: `c${i + 1}`, kind: 'trigger' as const }));
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);

describe('lintProject', () => {
  it('is quiet on a project without anti-patterns', () => {
    const registry = registryOf(
      ['extract', { id: 'report', schedule: '0 6 * * *' }],
      [
        { from: 'extract', to: 'report', kind: 'dependsOn' },
        { from: 'extract', to: 'report', kind: 'trigger' }, // waits for extract too: fine
        { from: 'ready', to: 'report', kind: 'signal' },
      ],
    );
    expect(lintProject(registry)).toEqual([]);
  });

  it('mega-dag: more static nodes than maxNodes (default 200)', () => {
    const registry = registryOf(
      [
        { id: 'big', nodes: 201 },
        { id: 'fine', nodes: 200 },
      ],
      [],
    );
    const [warning, ...rest] = lintProject(registry);
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ rule: 'mega-dag', dag: 'big' });
    expect(warning!.message).toBe('DAG "big" has 201 static nodes, more than 200 (lint.maxNodes)');
    expect(warning!.fix).toContain('Split it');
    expect(lintProject(registry, { maxNodes: 500 })).toEqual([]);
    expect(lintProject(registry, { maxNodes: 100 }).map((w) => w.dag)).toEqual(['big', 'fine']);
  });

  it('deep-trigger-chain: more triggers in a row than maxTriggerDepth (default 4), one warning per chain end', () => {
    expect(lintProject(registryOf(ids(5), chain(4)))).toEqual([]);
    const registry = registryOf(ids(6), chain(5));
    const warnings = lintProject(registry);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      rule: 'deep-trigger-chain',
      dag: 'c5',
      path: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'],
    });
    expect(warnings[0]!.message).toContain(
      'A chain of 5 triggers ends at DAG "c5", more than 4 (lint.maxTriggerDepth): c0 -[trigger]-> c1 -[trigger]-> c2',
    );
    expect(warnings[0]!.fix).toContain('dependsOn');
    expect(lintProject(registry, { maxTriggerDepth: 5 })).toEqual([]);
    // Two ends, each named with the longest chain to it; a dependency does not count.
    const branched = registryOf(
      [...ids(4), 'x', 'y'],
      [
        ...chain(3),
        { from: 'c3', to: 'x', kind: 'trigger' },
        { from: 'c3', to: 'y', kind: 'trigger' },
        { from: 'x', to: 'y', kind: 'dependsOn' },
      ],
    );
    expect(
      lintProject(branched, { maxTriggerDepth: 3 }).map((w) => [w.dag, w.path?.join('>')]),
    ).toEqual([
      ['x', 'c0>c1>c2>c3>x'],
      ['y', 'c0>c1>c2>c3>y'],
    ]);
  });

  it('tight-coupling: a sensor on one task of the upstream, not its run', () => {
    const registry = registryOf(
      ['extract', 'report', 'audit'],
      [
        { from: 'extract', to: 'report', kind: 'sensor', task: 'load' },
        { from: 'extract', to: 'audit', kind: 'sensor' }, // the run: fine
      ],
    );
    const warnings = lintProject(registry);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ rule: 'tight-coupling', dag: 'report' });
    expect(warnings[0]!.message).toBe(
      'Sensor "wait_0" of DAG "report" waits for task "load" of DAG "extract", not for its run',
    );
    expect(warnings[0]!.fix).toContain('drop `task`');
  });

  it('time-based-guessing: a scheduled DAG that a trigger also starts, without waiting for the trigger', () => {
    const guessing = registryOf(
      ['extract', { id: 'report', schedule: '0 6 * * *' }],
      [{ from: 'extract', to: 'report', kind: 'trigger' }],
    );
    const [warning, ...rest] = lintProject(guessing);
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ rule: 'time-based-guessing', dag: 'report' });
    expect(warning!.message).toContain(
      'DAG "report" runs on its schedule (0 6 * * * UTC) and is also triggered by DAG "extract" without waiting for it',
    );
    expect(warning!.fix).toContain("dependsOn: [{ dag: 'extract' }]");
    // Waiting for it, by a dependency or a run sensor: fine.
    for (const kind of ['dependsOn', 'sensor'] as const) {
      const waits = registryOf(
        ['extract', { id: 'report', schedule: '0 6 * * *' }],
        [
          { from: 'extract', to: 'report', kind: 'trigger' },
          { from: 'extract', to: 'report', kind },
        ],
      );
      expect(lintProject(waits)).toEqual([]);
    }
    // Not scheduled (the trigger alone starts it), or triggered on failure (an alert): fine.
    expect(
      lintProject(
        registryOf(['extract', 'report'], [{ from: 'extract', to: 'report', kind: 'trigger' }]),
      ),
    ).toEqual([]);
    expect(
      lintProject(
        registryOf(
          [
            { id: 'extract', on: 'failure' },
            { id: 'report', schedule: '0 6 * * *' },
          ],
          [{ from: 'extract', to: 'report', kind: 'trigger' }],
        ),
      ),
    ).toEqual([]);
  });

  it('refuses thresholds that are not integers >= 1, quoting them', () => {
    const registry = registryOf(['a'], []);
    for (const bad of [0, 1.5, -1]) {
      let error: unknown;
      try {
        lintProject(registry, { maxNodes: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(TributaryError);
      expect((error as TributaryError).message).toContain(`\`${bad}\``);
    }
    expect(() => defineProject({ dags: ['x.ts'], lint: { maxTriggerDepth: 0 } })).toThrow(
      /maxTriggerDepth/,
    );
    expect(() => defineProject({ dags: ['x.ts'], environment: 'a b' })).toThrow(/a b/);
  });
});
