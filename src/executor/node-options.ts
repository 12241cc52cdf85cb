import { describeValue, TributaryError } from '../errors/index.js';
import type { NodeSpec } from '../engine/node-spec.js';
import { isTriggerRule } from '../engine/trigger-rules.js';
import { checkDuration, checkRetryPolicy } from '../engine/policy-checks.js';

const SPEC_KEYS = [
  'task',
  'input',
  'triggerRule',
  'critical',
  'priority',
  'retry',
  'timeoutMs',
  'expander',
] as const;

/**
 * The execution options of a DAG node, read from its payload when the payload is a plain
 * object: `{ task?, input?, triggerRule?, critical?, priority?, retry?, timeoutMs?, expander? }`.
 * Other payload fields are ignored. Bad values throw `INVALID_ARGUMENT` naming the node.
 */
export function nodeSpecFromPayload(name: string, payload: unknown): NodeSpec {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return { name };
  const p = payload as Record<string, unknown>;
  const spec: Record<string, unknown> = { name };
  for (const key of SPEC_KEYS) if (p[key] !== undefined) spec[key] = p[key];
  const bad = (field: string, expected: string): never => {
    throw new TributaryError(
      'INVALID_ARGUMENT',
      `Expected \`${field}\` of node "${name}" to be ${expected}, got ${describeValue(p[field])}`,
      { context: { node: name, field } },
    );
  };
  if (spec.triggerRule !== undefined && !isTriggerRule(spec.triggerRule))
    bad('triggerRule', 'a trigger rule');
  if (spec.critical !== undefined && typeof spec.critical !== 'boolean')
    bad('critical', 'a boolean');
  if (spec.priority !== undefined && !Number.isFinite(spec.priority))
    bad('priority', 'a finite number');
  checkDuration(`\`timeoutMs\` of node "${name}"`, spec.timeoutMs);
  checkRetryPolicy(spec.retry, `retry of node "${name}"`);
  return spec as unknown as NodeSpec;
}
