// One run of the scripted scenario into a state database, resuming after its last written evaluation.
// The parent kills it with SIGKILL at random moments and starts it again.
import { AlertStore } from '../src/store/sqlite.ts';
import { Engine } from '../src/engine/engine.ts';
import { scenarioPort, scenarioRules, stepMs, steps } from './scenario.ts';

const [db = ''] = process.argv.slice(2);
const store = new AlertStore(db);
const engine = new Engine({ rules: scenarioRules(), port: scenarioPort(), state: store });
const last = store.lastEvaluationMs();
const first = last === undefined ? 0 : last / stepMs + 1;
process.stdout.write(`from ${first}\n`);
for (let i = first; i <= steps; i++) await engine.evaluate(i * stepMs);
store.close();
process.stdout.write('done\n');
