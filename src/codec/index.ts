export { jsonCodec } from './codec.js';
export type { Codec } from './codec.js';
