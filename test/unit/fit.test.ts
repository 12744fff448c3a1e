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
    const event = stale({});
    expect(fitEvent(event)).toBe(event);
  });

  it('cuts the longest text, ending it with "…", and says how long it was', () => {
    const impact = 'é'.repeat(200_000);
    const fitted = fitEvent(stale({ impact }));
    const detail = fitted.detail as CheckEventDetail;
    expect(eventSize(fitted)).toBeLessThanOrEqual(EVENT_BUDGET);
    expect(detail.impact).toMatch(/^é+…$/);
    expect(detail.trimmed).toEqual({ impact: 200_000 });
    expect(detail.action).toBe(sampleDetail().action);
  });

  it('never cuts a character in two', () => {
    const fitted = fitEvent(stale({ error: '😀'.repeat(100_000) }));
    const error = (fitted.detail as CheckEventDetail).error ?? '';
    expect(error.endsWith('😀…')).toBe(true);
    expect(error).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('caps a list that alone is too long, keeping its first items and their count', () => {
    const owners = Array.from({ length: 30_000 }, (_, i) => `contact-${i}`);
    const fitted = fitEvent(stale({ owners }));
    const detail = fitted.detail as CheckEventDetail;
    expect(eventSize(fitted)).toBeLessThanOrEqual(EVENT_BUDGET);
    expect(detail.owners).toEqual(owners.slice(0, detail.owners.length));
    expect(detail.trimmed).toEqual({ owners: 30_000 });
  });
});
