import { quietUntil } from '../../lib/core/messages/quiet-hours';

const until = (now: string, hours: string | null) =>
  quietUntil(new Date(now), hours, 'Europe/London')?.toISOString() ?? null;

describe('quiet hours 19:00-08:00 (Europe/London)', () => {
  it.each([
    ['18:59 is not quiet', '2026-11-23T18:59:00Z', null],
    ['19:00 is quiet until 08:00 the next morning', '2026-11-23T19:00:00Z', '2026-11-24T08:00:00.000Z'],
    ['07:59 is quiet until 08:00 the same morning', '2026-11-24T07:59:00Z', '2026-11-24T08:00:00.000Z'],
    ['08:00 is not quiet', '2026-11-24T08:00:00Z', null],
  ])('%s', (_name, now, expected) => {
    // Act
    const quietEnds = until(now, '19:00-08:00');
    // Assess
    expect(quietEnds).toBe(expected);
  });

  it('ends at 08:00 local when the clocks go forward overnight (07:00 UTC on 29 March)', () => {
    // Act
    const quietEnds = until('2026-03-28T22:00:00Z', '19:00-08:00');
    // Assess
    expect(quietEnds).toBe('2026-03-29T07:00:00.000Z');
  });

  it('ends at 08:00 local when the clocks go back overnight (08:00 UTC on 25 October)', () => {
    // Act
    const quietEnds = until('2026-10-24T22:00:00Z', '19:00-08:00');
    // Assess
    expect(quietEnds).toBe('2026-10-25T08:00:00.000Z');
  });

  it('is not quiet at Saturday noon unless weekends are quiet too', () => {
    // Act
    const quietEnds = until('2026-11-28T12:00:00Z', '19:00-08:00');
    // Assess
    expect(quietEnds).toBeNull();
  });

  it('is never quiet without quiet hours', () => {
    // Act
    const quietEnds = until('2026-11-23T23:00:00Z', null);
    // Assess
    expect(quietEnds).toBeNull();
  });
});

describe('quiet hours 19:00-08:00, weekends', () => {
  it.each([
    ['Friday 22:00 waits until Monday 08:00', '2026-11-27T22:00:00Z', '2026-11-30T08:00:00.000Z'],
    ['Saturday noon waits until Monday 08:00', '2026-11-28T12:00:00Z', '2026-11-30T08:00:00.000Z'],
    ['Sunday 23:00 waits until Monday 08:00', '2026-11-29T23:00:00Z', '2026-11-30T08:00:00.000Z'],
    ['Monday 07:00 waits until 08:00', '2026-11-30T07:00:00Z', '2026-11-30T08:00:00.000Z'],
    ['Monday 09:00 is not quiet', '2026-11-30T09:00:00Z', null],
  ])('%s', (_name, now, expected) => {
    // Act
    const quietEnds = until(now, '19:00-08:00, weekends');
    // Assess
    expect(quietEnds).toBe(expected);
  });
});
