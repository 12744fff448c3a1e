import { resolve } from 'node:path';
import type HolidaysType from 'date-holidays';

/**
 * Public-holiday calendars, from date-holidays. A region is written either as a friendly name from
 * `REGION_ALIASES` (`england-and-wales`) or in date-holidays' own form: a country, optionally with a
 * state (`GB-SCT`, `DE-BY`, `US`). `none` turns holidays off for a check that overrides the setting.
 *
 * date-holidays (with its time-zone data) is large, 1.5 MB bundled: it is loaded only when a calendar
 * is computed. The deployed functions are given the days precomputed for the years around packaging,
 * and carry the library beside their bundle (`PACKAGED_HOLIDAYS_FILE`) for any other year, so that
 * its size costs a cold start nothing until a deadline in such a year is judged (docs/operations.md).
 *
 * Where packaging puts date-holidays, bundled on its own, in the functions that judge deadlines
 * (runSource, check); relative to the function's root, the working directory in Lambda.
 */
export const PACKAGED_HOLIDAYS_FILE = '.stalewatch/date-holidays.cjs';

const Holidays = (): typeof HolidaysType => {
  try {
    return require('date-holidays');
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    return require(resolve(PACKAGED_HOLIDAYS_FILE));
  }
};

/** The names `holidays:` accepts besides date-holidays' codes (`england-and-wales` → `GB-ENG`). */
export const REGION_ALIASES: Readonly<Record<string, string>> = {
  'england-and-wales': 'GB-ENG',
  england: 'GB-ENG',
  wales: 'GB-WLS',
  scotland: 'GB-SCT',
  'northern-ireland': 'GB-NIR',
};

/** The value that means "no public holidays". */
export const NO_HOLIDAYS = 'none';

/** Holiday types that close offices: date-holidays also lists observances and school days, which do not. */
const DAY_OFF_TYPES = new Set(['public', 'bank']);

/** Splits a region into date-holidays' country and optional state codes. */
function codesOf(region: string): { country: string; state?: string } {
  const [country = '', state] = (REGION_ALIASES[region.toLowerCase()] ?? region).toUpperCase().split('-');
  return state ? { country, state } : { country };
}

/** True when date-holidays knows `region` (or it is `none`). */
export function isKnownRegion(region: string): boolean {
  if (region === NO_HOLIDAYS) return true;
  const { country, state } = codesOf(region);
  const catalogue = new (Holidays())();
  if (!(country in catalogue.getCountries())) return false;
  return !state || state in (catalogue.getStates(country) ?? {});
}

/** A region's days off in the given years, as local dates (`YYYY-MM-DD`). */
export interface DaysOff {
  years: number[];
  dates: string[];
}

/** `YYYY-MM-DD` of an instant in `zone`. */
function localDate(t: Date, zone: string): string {
  return t.toLocaleDateString('en-CA', { timeZone: zone });
}

/** The day after the calendar date `YYYY-MM-DD`. */
function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The local dates a holiday covers: from the date it is named for to the date of its last moment, in
 * the zone its calendar is computed in. A holiday that begins at sunset the evening before (date-holidays
 * writes `2027-03-09 00:00:00 -0600`) does not take that evening's date; one of several days (Eid, a
 * New Year of two days) takes every one; one that starts in the afternoon (Christmas Eve from 14:00)
 * takes its date.
 */
function datesCovered(holiday: { date: string; end: Date }, zone: string): string[] {
  const first = holiday.date.slice(0, 10);
  const last = localDate(new Date(holiday.end.getTime() - 1), zone);
  const dates = [first];
  for (let d = nextDate(first); d <= last; d = nextDate(d)) dates.push(d);
  return dates;
}

/**
 * The days off of a year: every date of `year` that a public or bank holiday covers, those of the
 * year before included (Eswatini's Incwala runs from 28 December into January).
 */
function daysOffIn(calendar: HolidaysType, year: number): string[] {
  // date-holidays computes a calendar in its region's first zone unless told otherwise.
  const zone = calendar.getTimezones()[0] ?? 'UTC';
  const dates = [year - 1, year]
    .flatMap((y) => calendar.getHolidays(y))
    .filter((h) => DAY_OFF_TYPES.has(h.type))
    .flatMap((h) => datesCovered(h, zone))
    .filter((d) => d.startsWith(`${year}-`));
  return [...new Set(dates)].sort();
}

function calendarOf(region: string): HolidaysType {
  const { country, state } = codesOf(region);
  const Calendar = Holidays();
  return state ? new Calendar(country, state) : new Calendar(country);
}

/** Precomputes a region's days off for `years`, for places where date-holidays is not shipped. */
export function daysOff(region: string, years: number[]): DaysOff {
  const calendar = calendarOf(region);
  return { years, dates: years.flatMap((year) => daysOffIn(calendar, year)) };
}

/**
 * The days off of a region, as local calendar dates, cached per year. Dates are local to the region,
 * so callers compare them with a deadline's local date.
 */
export class HolidayCalendar {
  private readonly byYear = new Map<number, Set<string>>();
  private calendar: HolidaysType | null = null;

  /**
   * @param region a region, or null / `none` for no holidays
   * @param precomputed the region's days off for some years (`daysOff`): for those years date-holidays
   *   is not loaded
   */
  constructor(
    readonly region: string | null,
    precomputed?: DaysOff,
  ) {
    const dates = new Set(precomputed?.dates ?? []);
    for (const year of precomputed?.years ?? []) this.byYear.set(year, dates);
  }

  /** True when the local date `YYYY-MM-DD` is a public or bank holiday. */
  isDayOff(localDate: string): boolean {
    if (!this.region || this.region === NO_HOLIDAYS) return false;
    const year = Number(localDate.slice(0, 4));
    let days = this.byYear.get(year);
    if (!days) {
      this.calendar ??= calendarOf(this.region);
      days = new Set(daysOffIn(this.calendar, year));
      this.byYear.set(year, days);
    }
    return days.has(localDate);
  }
}
