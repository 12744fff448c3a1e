import { EVENT_BUDGET, eventSize, fitEvent } from '../../lib/core/events/fit';
import type { CheckEventDetail, EventEntry } from '../../lib/core/events/types';
import { sampleDetail } from '../helpers/events';

const stale = (overrides: Partial<CheckEventDetail>): EventEntry => ({
  detailType: 'Dataset Stale',
  detail: sampleDetail(overrides),
  time: '2026-11-23T10:00:00.000Z',
});

describe('fitting an event under EventBridge’s size limit', () => {
  it('leaves an event that fits as it is', () => {
    // Prepare
    const event = stale({});
    // Act
    const fitted = fitEvent(event);
    // Assess
    expect(fitted).toBe(event);
  });

  it('cuts the longest text, ending it with "…", and says how long it was', () => {
    // Prepare: an impact far past the limit.
    const impact = 'é'.repeat(200_000);
    // Act
    const fitted = fitEvent(stale({ impact }));
    // Assess: under the budget, the impact cut and counted, the action kept.
    const detail = fitted.detail as CheckEventDetail;
    expect(eventSize(fitted)).toBeLessThanOrEqual(EVENT_BUDGET);
    expect(detail.impact).toMatch(/^é+…$/);
    expect(detail.trimmed).toEqual({ impact: 200_000 });
    expect(detail.action).toBe(sampleDetail().action);
  });

  it('never cuts a character in two', () => {
    // Prepare: an error of emoji, each two UTF-16 code units.
    const event = stale({ error: '😀'.repeat(100_000) });
    // Act
    const fitted = fitEvent(event);
    // Assess: no lone high surrogate left.
    const error = (fitted.detail as CheckEventDetail).error ?? '';
    expect(error.endsWith('😀…')).toBe(true);
    expect(error).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('caps a list that alone is too long, keeping its first items and their count', () => {
    // Prepare
    const owners = Array.from({ length: 30_000 }, (_, i) => `contact-${i}`);
    // Act
    const fitted = fitEvent(stale({ owners }));
    // Assess
    const detail = fitted.detail as CheckEventDetail;
    expect(eventSize(fitted)).toBeLessThanOrEqual(EVENT_BUDGET);
    expect(detail.owners).toEqual(owners.slice(0, detail.owners.length));
    expect(detail.trimmed).toEqual({ owners: 30_000 });
  });
});
