// The project of examples/recovery.ts: a warehouse load that fails, and a report after it.
import { defineProject } from '../../src/index.js';

export default defineProject({ name: 'recovery', dags: ['dags/*.dag.ts'] });
