import { InvalidEventError, UnknownEventError } from '../../lib/core/errors';
import { parseCheckEvent } from '../../lib/core/events/parse';
import { sampleDetail } from '../helpers/events';

describe("a check's event at notify's door", () => {
  it('is read with what the transition was', () => {
    // Prepare
    const event = { 'detail-type': 'Dataset Recovered', detail: sampleDetail({ status: 'pass' }) };
    // Act
    const parsed = parseCheckEvent(event, 'notify');
    // Assess
    expect(parsed).toMatchObject({ detailType: 'Dataset Recovered', kind: 'recovered' });
    expect(parsed.detail.checkId).toBe('placements/nightly-sync');
  });

  it('of a detail-type notify does not handle is an UnknownEventError naming it', () => {
    // Prepare
    const event = { 'detail-type': 'Check Run Completed', detail: {} };
    // Act
    const error = (() => {
      try {
        return parseCheckEvent(event, 'notify');
      } catch (e) {
        return e;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(UnknownEventError);
    expect((error as Error).message).toBe('notify does not handle "Check Run Completed" events');
  });

  it('with a detail that is not what Stalewatch emits is an InvalidEventError naming each wrong field', () => {
    // Prepare
    const { owners: _owners, ...withoutOwners } = sampleDetail();
    const event = { 'detail-type': 'Dataset Stale', detail: { ...withoutOwners, status: 'late' } };
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
    expect((error as Error).message).toMatch(/^notify cannot read this "Dataset Stale" event: /);
    expect((error as Error).message).toMatch(/detail\.owners: /);
    expect((error as Error).message).toMatch(/detail\.status: /);
    expect((error as Error).message).not.toMatch(/late/);
  });
});
