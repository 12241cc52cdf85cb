// The project of examples/orchestration.ts: `tributary validate`, `tributary dags` and
// `tributary scheduler` read it from this folder.
import { defineProject } from '../../src/index.js';

export default defineProject({ name: 'shop', dags: ['dags/*.dag.ts'] });
