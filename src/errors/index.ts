export { ErrorCode, TributaryError, NonRetryableError } from './tributary-error.js';
export type { ErrorContext } from './tributary-error.js';
export { describeValue, toError, invalidArgument } from './describe.js';
