import Holidays from 'date-holidays';

/**
 * Public-holiday calendars, from date-holidays. A region is written either as a friendly name from
 * `REGION_ALIASES` (`england-and-wales`) or in date-holidays' own form: a country, optionally with a
 * state (`GB-SCT`, `DE-BY`, `US`). `none` turns holidays off for a check that overrides the setting.
 */
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
  const catalogue = new Holidays();
  if (!(country in catalogue.getCountries())) return false;
  return !state || state in (catalogue.getStates(country) ?? {});
}

/**
 * The days off of a region, as local calendar dates (`YYYY-MM-DD`), with results cached per year.
 * Dates are local to the region, so callers compare them with a deadline's local date.
 */
export class HolidayCalendar {
  private readonly byYear = new Map<number, Set<string>>();
  private readonly calendar: Holidays | null;

  constructor(readonly region: string | null) {
    if (!region || region === NO_HOLIDAYS) {
      this.calendar = null;
      return;
    }
    if (!isKnownRegion(region))
      throw new RangeError(`"${region}" is not a holiday region date-holidays knows`);
    const { country, state } = codesOf(region);
    this.calendar = state ? new Holidays(country, state) : new Holidays(country);
  }

  /** True when the local date `YYYY-MM-DD` is a public or bank holiday. */
  isDayOff(localDate: string): boolean {
    if (!this.calendar) return false;
    const year = Number(localDate.slice(0, 4));
    let days = this.byYear.get(year);
    if (!days) {
      days = new Set(
        this.calendar
          .getHolidays(year)
          .filter((h) => DAY_OFF_TYPES.has(h.type))
          .map((h) => h.date.slice(0, 10)),
      );
      this.byYear.set(year, days);
    }
    return days.has(localDate);
  }
}
