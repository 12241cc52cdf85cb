import { describe, expect, it } from 'vitest';
import { checkModificationShape } from '../../src/engine/modification.js';
import { nodeSpecFromPayload } from '../../src/executor/node-options.js';
import { catchError as caught } from '../engine/harness.js';

/**
 * Node options are checked by one function whether they come from a DAG node's payload or from
 * a node added at runtime: same rules, same wording, same context.
 */

describe('node option checks', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['critical', { critical: 'yes' }, 'a boolean', '`"yes"` (string)'],
    ['priority', { priority: '1' }, 'a finite number', '`"1"` (string)'],
    ['cleanup', { cleanup: 1 }, 'a boolean', '`1` (number)'],
    [
      'critical',
      { cleanup: true, critical: true },
      'false or absent on a cleanup node',
      '`true` (boolean)',
    ],
    ['task', { task: 5 }, 'a task function or the name of a registered task', '`5` (number)'],
    [
      'expander',
      { expander: [] },
      'an expander function or the name of a registered expander',
      '`[]` (array)',
    ],
    [
      'timeoutMs',
      { timeoutMs: 0 },
      'a number of milliseconds > 0 and <= 2147483647',
      '`0` (number)',
    ],
    ['retry.jitter', { retry: { jitter: 2 } }, 'a number between 0 and 1', '`2` (number)'],
  ])(
    '%s: one message shape from a payload and from a modification',
    (field, options, expected, got) => {
      const fromPayload = caught(() => nodeSpecFromPayload('load', options));
      const fromModification = caught(() =>
        checkModificationShape({ addNodes: [{ name: 'load', ...options }] }),
      );
      expect(fromPayload.code).toBe('INVALID_ARGUMENT');
      expect(fromPayload.message).toBe(
        `Expected \`${field}\` of node "load" to be ${expected}, got ${got}`,
      );
      expect(fromPayload.context).toMatchObject({ node: 'load', field });
      expect(fromModification.code).toBe('INVALID_ARGUMENT');
      expect(fromModification.message).toBe(
        `Expected \`addNodes[0].${field}\` of node "load" to be ${expected}, got ${got}`,
      );
      expect(fromModification.context).toMatchObject({
        node: 'load',
        field: `addNodes[0].${field}`,
      });
    },
  );

  it('an unknown trigger rule is named, with the rules there are', () => {
    const error = caught(() => nodeSpecFromPayload('a', { triggerRule: 'sometimes' }));
    expect(error.message).toMatch(
      /^Expected `triggerRule` of node "a" to be a trigger rule \('all_success', .*'always'\), got `"sometimes"` \(string\)$/,
    );
    expect(error.context).toMatchObject({ node: 'a', field: 'triggerRule', received: 'sometimes' });
  });

  it('a function received is quoted by name, not by source, in the context', () => {
    const error = caught(() =>
      checkModificationShape({ addNodes: [{ name: 'x', critical: function nope() {} as never }] }),
    );
    expect(error.context.received).toBe('[function nope]');
  });

  it('good options pass through; other payload fields are ignored', () => {
    expect(
      nodeSpecFromPayload('a', {
        task: 'process',
        critical: false,
        cleanup: true,
        priority: 2,
        retry: { maxAttempts: 3 },
        timeoutMs: 50,
        label: 'not an option',
      }),
    ).toEqual({
      name: 'a',
      task: 'process',
      critical: false,
      cleanup: true,
      priority: 2,
      retry: { maxAttempts: 3 },
      timeoutMs: 50,
    });
  });
});
