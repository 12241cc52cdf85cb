import { invalidArgument } from '../errors/index.js';
import { checkDuration, checkRetryPolicy } from './policy-checks.js';
import { isCode } from './serializable.js';
import { isTriggerRule, TriggerRule } from './trigger-rules.js';

/**
 * The execution options a node spec may carry besides its name, in the order they are read
 * (a DAG node's payload contributes exactly these keys; other payload fields are ignored).
 *
 * @example
 * ```ts
 * const spec = Object.fromEntries(NODE_SPEC_FIELDS.filter((k) => k in payload).map((k) => [k, payload[k]]));
 * ```
 */
export const NODE_SPEC_FIELDS = [
  'task',
  'input',
  'triggerRule',
  'critical',
  'cleanup',
  'priority',
  'retry',
  'timeoutMs',
  'expander',
] as const;

const RULE_LIST = Object.values(TriggerRule)
  .map((rule) => `'${rule}'`)
  .join(', ');

/**
 * Check the execution options of one node spec, wherever it comes from: a DAG node's payload
 * (`nodeSpecFromPayload`) or a node added by a modification (`checkModificationShape`). The one
 * place these field rules are written. Throws `INVALID_ARGUMENT` for the first bad field,
 * worded ``Expected `<field>` of node "<name>" to be <expected>, got <received>``, with
 * `node`, `field` and `received` in its context; `path` prefixes the field when the spec sits
 * inside a larger value (`addNodes[0]`). O(1) per spec when nothing is wrong: no allocation.
 *
 * @example
 * ```ts
 * checkNodeSpecFields({ critical: 'yes' }, 'load');
 * // INVALID_ARGUMENT: Expected `critical` of node "load" to be a boolean, got `"yes"` (string)
 * checkNodeSpecFields({ critical: 'yes' }, 'load', 'addNodes[0]');
 * // INVALID_ARGUMENT: Expected `addNodes[0].critical` of node "load" to be a boolean, got ...
 * ```
 */
export function checkNodeSpecFields(
  spec: Readonly<Record<string, unknown>>,
  node: string,
  path?: string,
): void {
  const { task, expander, triggerRule, critical, cleanup, priority, timeoutMs, retry } = spec;
  // Code passes here (a durable run rejects it, stand-ins included, as NOT_SERIALIZABLE); plain
  // data that is not a name is a mistake in any run.
  if (task !== undefined && typeof task !== 'string' && !isCode(task))
    bad(spec, node, path, 'task', 'a task function or the name of a registered task');
  if (expander !== undefined && typeof expander !== 'string' && !isCode(expander))
    bad(spec, node, path, 'expander', 'an expander function or the name of a registered expander');
  if (triggerRule !== undefined && !isTriggerRule(triggerRule))
    bad(spec, node, path, 'triggerRule', `a trigger rule (${RULE_LIST})`);
  if (critical !== undefined && typeof critical !== 'boolean')
    bad(spec, node, path, 'critical', 'a boolean');
  if (cleanup !== undefined && typeof cleanup !== 'boolean')
    bad(spec, node, path, 'cleanup', 'a boolean');
  // A cleanup node is never critical: saying it is would be silently ignored, so it is refused.
  if (cleanup === true && critical === true)
    bad(spec, node, path, 'critical', 'false or absent on a cleanup node');
  if (priority !== undefined && !Number.isFinite(priority))
    bad(spec, node, path, 'priority', 'a finite number');
  if (timeoutMs !== undefined) {
    const field = fieldPath(path, 'timeoutMs');
    checkDuration(`\`${field}\` of node "${node}"`, timeoutMs, false, { node, field });
  }
  if (retry !== undefined) checkRetryPolicy(retry, fieldPath(path, 'retry'), node);
}

function fieldPath(path: string | undefined, field: string): string {
  return path === undefined ? field : `${path}.${field}`;
}

function bad(
  spec: Readonly<Record<string, unknown>>,
  node: string,
  path: string | undefined,
  key: string,
  expected: string,
): never {
  const field = fieldPath(path, key);
  return invalidArgument(`\`${field}\` of node "${node}"`, expected, spec[key], { node, field });
}
