import { chunkChecks, STATEMENT_LIMITS } from '../../lib/app/observe';
import { batchStatement, planReads, readsStatement } from '../../lib/core/sql';
import { freshness, rowCount } from '../helpers/checks';

/** `n` row-count checks, each on its own table. */
const many = (n: number, where: string | null = null) =>
  Array.from({ length: n }, (_, i) => ({
    ...rowCount({ failBelow: 1, where }),
    id: `d${i}/row-count`,
    table: `public.t${i}`,
  }));
/** `n` freshness checks, each on its own table. */
const lookups = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ...freshness({ failAfter: '1d' }),
    id: `d${i}/f`,
    table: `public.t${i}`,
  }));

describe('splitting one source’s checks into statements', () => {
  it('keeps 400 newest-value lookups in one statement', () => {
    // Prepare
    const checks = lookups(400);
    // Act
    const chunks = chunkChecks('postgres', checks);
    // Assess
    expect(chunks.map((c) => c.length)).toEqual([400]);
  });

  it('puts at most 16 table scans in one statement, in order', () => {
    // Act
    const chunks = chunkChecks('postgres', many(40));
    // Assess
    expect(chunks.map((c) => c.length)).toEqual([16, 16, 8]);
    expect(chunks.flat().flatMap((r) => r.checks.map((c) => c.id))).toEqual(many(40).map((c) => c.id));
  });

  it('splits before a statement would pass the SQL size limit', () => {
    // Prepare: 200 lookups, each with a where of 100 values.
    const longWhere = `status IN (${Array.from({ length: 100 }, (_, i) => `'S${i}'`).join(', ')})`;
    const checks = lookups(200).map((c) => ({ ...c, freshness: { ...c.freshness, where: longWhere } }));
    // Act
    const chunks = chunkChecks('mysql', checks);
    // Assess
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks)
      expect(readsStatement('mysql', chunk).length).toBeLessThanOrEqual(STATEMENT_LIMITS.maxSqlChars);
  });
});

describe('one read per table', () => {
  const onPlacement = [
    { ...rowCount({ failBelow: 1 }), id: 'p/all' },
    { ...rowCount({ failBelow: 1, where: "status = 'open'" }), id: 'p/open' },
    { ...freshness({ failAfter: '1d' }), id: 'p/modified' },
    { ...freshness({ failAfter: '1d', column: 'created_at' }), id: 'p/created' },
  ];
  const elsewhere = { ...freshness({ failAfter: '1d' }), id: 'q/f', table: 'public.other' };

  it.each(['postgres', 'mysql'] as const)('reads a table with counts once on %s, whatever the where', (d) => {
    // Act
    const reads = planReads(d, [...onPlacement, elsewhere]);
    const sql = batchStatement(d, [...onPlacement, elsewhere]);
    // Assess: placement read once, with each count's where inside it.
    expect(reads.map((r) => [r.table, r.checks.map((c) => c.id), r.scan])).toEqual([
      ['public.placement', ['p/all', 'p/open', 'p/modified', 'p/created'], true],
      ['public.other', ['q/f'], false],
    ]);
    expect(sql.match(/FROM [`"]public[`"]\.[`"]placement[`"]/g)).toHaveLength(1);
    expect(sql).toContain(
      d === 'postgres' ? "FILTER (WHERE (status = 'open'))" : "CASE WHEN (status = 'open')",
    );
  });

  it('keeps freshness with a where a lookup when no count reads its rows', () => {
    // Prepare
    const scoped = { ...freshness({ failAfter: '1d', where: "region = 'north'" }), id: 'p/north' };
    const counted = { ...rowCount({ failBelow: 1, where: "status = 'open'" }), id: 'p/open' };
    // Act
    const reads = planReads('mysql', [counted, scoped]);
    const sql = batchStatement('mysql', [scoped]);
    // Assess
    expect(reads.map((r) => r.checks.map((c) => c.id))).toEqual([['p/open'], ['p/north']]);
    expect(sql).toContain('DESC LIMIT 1');
  });

  it('shares one lookup among PostgreSQL freshness checks with the same where, without FILTER', () => {
    // Prepare
    const checks = [
      { ...freshness({ failAfter: '1d' }), id: 'p/modified' },
      { ...freshness({ failAfter: '1d', column: 'created_at' }), id: 'p/created' },
    ];
    // Act
    const sql = batchStatement('postgres', checks);
    const reads = planReads('postgres', checks);
    // Assess
    expect(reads).toHaveLength(1);
    expect(sql).not.toContain('FILTER');
    expect(sql.match(/max\(/g)).toHaveLength(2);
  });
});
