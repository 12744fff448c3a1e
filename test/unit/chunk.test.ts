import { chunkChecks, STATEMENT_LIMITS } from '../../lib/app/observe';
import { batchStatement } from '../../lib/core/sql';
import { rowCount } from '../helpers/checks';

const many = (n: number, where: string | null = null) =>
  Array.from({ length: n }, (_, i) => ({ ...rowCount({ failBelow: 1, where }), id: `d/${i}` }));

describe('splitting one source’s checks into statements', () => {
  it('keeps 400 checks in one statement', () => {
    expect(chunkChecks('postgres', many(400)).map((c) => c.length)).toEqual([400]);
  });

  it('splits 1,000 checks into statements of at most 400, in order', () => {
    const chunks = chunkChecks('postgres', many(1000));
    expect(chunks.map((c) => c.length)).toEqual([400, 400, 200]);
    expect(chunks.flat().map((c) => c.id)).toEqual(many(1000).map((c) => c.id));
  });

  it('splits before a statement would pass the SQL size limit', () => {
    const longWhere = `status IN (${Array.from({ length: 100 }, (_, i) => `'S${i}'`).join(', ')})`;
    const chunks = chunkChecks('mysql', many(200, longWhere));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks)
      expect(batchStatement('mysql', chunk).length).toBeLessThanOrEqual(STATEMENT_LIMITS.maxSqlChars);
  });
});
