import { checkNodeSpecFields, NODE_SPEC_FIELDS, type NodeSpec } from '../engine/index.js';

/**
 * The execution options of a DAG node, read from its payload when the payload is a plain
 * object: the keys of `NODE_SPEC_FIELDS` (`{ task?, input?, triggerRule?, critical?, cleanup?,
 * priority?, retry?, timeoutMs?, expander? }`). Other payload fields are ignored. Bad values throw
 * `INVALID_ARGUMENT` naming the node and the field (`checkNodeSpecFields`, the same rules and
 * wording as for nodes added at runtime).
 *
 * @example
 * ```ts
 * nodeSpecFromPayload('load', { critical: false, retry: { maxAttempts: 3 } });
 * // { name: 'load', critical: false, retry: { maxAttempts: 3 } }
 * ```
 */
export function nodeSpecFromPayload(name: string, payload: unknown): NodeSpec {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return { name };
  const p = payload as Record<string, unknown>;
  const spec: Record<string, unknown> = { name };
  for (const key of NODE_SPEC_FIELDS) if (p[key] !== undefined) spec[key] = p[key];
  checkNodeSpecFields(spec, name);
  return spec as unknown as NodeSpec;
}
