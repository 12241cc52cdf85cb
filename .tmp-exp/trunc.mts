import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '/work/main/src/store/sqlite/index.js';
const dir = mkdtempSync(join(tmpdir(), 'tr-'));
const path = join(dir, 'db.sqlite');
const s = SqliteStore.open(path);
for (let r = 0; r < 30; r++) {
  await s.createRun({ runId: `r${r}`, dagId: 'd', status: 'running', params: { x: 'y'.repeat(300) }, graph: '{}', createdAt: r, updatedAt: r });
  await s.commit(`r${r}`, { events: Array.from({ length: 20 }, (_, i) => ({ seq: i + 1, type: 't', at: 1, body: 'x'.repeat(200) })) });
}
await s.close();
const full = readFileSync(path);
console.log('size', full.length, statSync(path).size);
for (const frac of [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
  const p2 = join(dir, `t${frac}.sqlite`);
  writeFileSync(p2, full.subarray(0, Math.floor(full.length * frac)));
  try { const t = SqliteStore.open(p2); console.log(frac, 'opened', (await t.listRuns()).length); try { console.log((await t.loadEvents('r29')).length);} catch (e) { console.log('  later', (e as Error).message); } await t.close(); }
  catch (e) { console.log(frac, 'fail', (e as any).code, (e as Error).message); }
}
