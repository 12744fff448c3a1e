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

function daysOffIn(calendar: HolidaysType, year: number): string[] {
  return calendar
    .getHolidays(year)
    .filter((h) => DAY_OFF_TYPES.has(h.type))
    .map((h) => h.date.slice(0, 10));
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
