import type { Audience } from '../model/config';

/** A point in time as messages show it: absolute in the configured zone, and relative. */
export interface Moment {
  at: Date;
  /** `Monday 23 November 07:00 (3 hours ago)`. */
  text: string;
}

/** What one message says, before any channel shapes it. Data leads' messages carry no `technical`. */
export interface Alert {
  kind: 'stale' | 'still-stale' | 'recovered' | 'error' | 'error-recovered' | 'digest';
  audience: Audience;
  /** One line, plain: `Trainee placements data is 3 days out of date`. */
  headline: string;
  tone: 'bad' | 'warning' | 'good' | 'info';
  /** Labelled facts: Stale since, Last updated, Expected, Who is on it. */
  facts: Array<{ label: string; value: string; moment?: Moment }>;
  impact: string | null;
  action: string | null;
  /** A short note the reader can forward to the people affected. */
  forwardNote: string | null;
  /** For the platform team only. */
  technical: {
    checkId: string;
    source: string;
    table: string;
    sql: string | null;
    error: string | null;
    rerun: string;
  } | null;
  /**
   * For the platform team only, about a CloudWatch alarm (which has no check, SQL or table): its name,
   * region, metric, CloudWatch's reason and a link to it in the console.
   */
  details?: Array<{ label: string; value: string; url?: string }>;
  /** Digest entries, oldest first. */
  items?: Array<{ title: string; line: string; staleSince: Moment | null }>;
  /** Ids that make the message unique, for the sent-record: the event id, or the digest fire it answers. */
  key: string;
}
