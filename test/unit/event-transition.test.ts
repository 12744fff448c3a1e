import { InvalidEventError } from '../../lib/core/errors';
import { evaluate } from '../../lib/core/evaluate/evaluate';
import { checkEvent } from '../../lib/core/events/build';
import { parseCheckEvent } from '../../lib/core/events/parse';
import { checkEventDetailSchema } from '../../lib/core/events/schema';
import { DETAIL_TYPES } from '../../lib/core/events/types';
import { alertOf } from '../../lib/core/messages/build';
import type { Contact } from '../../lib/core/model/config';
import { TRANSITION_KINDS } from '../../lib/core/model/state';
import { at, freshness } from '../helpers/checks';
import { sampleContacts, sampleDetail } from '../helpers/events';

const NOW = at('2026-11-23T10:00:00Z');
const contacts = sampleContacts();
const settings = {
  timezone: 'Europe/London',
  contacts,
  notify: { errorsTo: 'platform', remindEvery: '24h', digest: '0 8 * * 1-5', quietHours: null },
};
const lead = contacts['placements-lead'] as Contact;
const NO_DATASET = { subscribers: [], impact: null, action: null };

describe("a check's event says what happened in its detail", () => {
  it.each(TRANSITION_KINDS)('an event of a %s transition carries it as detail.transition', (kind) => {
    // Prepare
    const check = freshness({ warnAfter: '1h' });
    const result = evaluate(
      check,
      { kind: 'freshness', lastUpdatedAt: at('2026-11-20T00:00:00Z') },
      null,
      NOW,
    );
    // Act
    const event = checkEvent(
      kind,
      result,
      null,
      NO_DATASET,
      { runId: 'r1', now: NOW, results: [result] },
      'UTC',
      'postgres',
    );
    // Assess
    expect(event.detailType).toBe(DETAIL_TYPES[kind]);
    expect(event.detail).toMatchObject({ transition: kind });
    expect(checkEventDetailSchema.safeParse(event.detail).success).toBe(true);
  });

  it('an event from before the field is still read, its transition taken from the detail-type', () => {
    // Prepare: an older `Dataset Recovered`, without `transition`.
    const event = { 'detail-type': 'Dataset Recovered', detail: sampleDetail({ status: 'pass' }) };
    // Act
    const parsed = parseCheckEvent(event, 'notify');
    const alert = alertOf(parsed.detailType, parsed.detail, lead, {
      settings,
      now: NOW,
    });
    // Assess
    expect(parsed.detail.transition).toBe('recovered');
    expect(alert?.kind).toBe('recovered');
  });

  it('the message follows detail.transition', () => {
    // Prepare
    const detail = sampleDetail({ status: 'pass', transition: 'recovered' });
    // Act
    const alert = alertOf('Dataset Recovered', detail, lead, { settings, now: NOW });
    // Assess
    expect(alert).toMatchObject({ kind: 'recovered', tone: 'good' });
  });

  it('an event whose transition contradicts its detail-type is an InvalidEventError naming both', () => {
    // Prepare
    const event = { 'detail-type': 'Dataset Stale', detail: sampleDetail({ transition: 'recovered' }) };
    // Act
    const error = (() => {
      try {
        return parseCheckEvent(event, 'notify');
      } catch (e) {
        return e;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toBe(
      'notify cannot read this "Dataset Stale" event: detail.transition: "recovered" is not what the detail-type says ("stale")',
    );
  });
});
