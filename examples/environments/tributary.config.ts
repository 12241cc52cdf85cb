// The project of examples/environments.ts: a prod pipeline and the staging copy of its next
// version, joined on purpose during a migration. `tributary validate`, `tributary lint` and
// `tributary lineage orders_report` read it from this folder.
import { defineProject } from '../../src/index.js';

export default defineProject({
  name: 'migration',
  // Every DAG that names no environment is in prod.
  environment: 'prod',
  dags: ['dags/*.dag.ts'],
  lint: { maxTriggerDepth: 3 },
});
