import { parseLevel, isLevelName } from './model/irql.js';
it('x', () => { for (const t of ['constructor','toString','hasOwnProperty','__proto__','valueOf']) console.log(t, typeof parseLevel(t), isLevelName(t)); });
