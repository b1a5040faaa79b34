// Date.parse rolls a date or time that is not on the calendar over into another instant (2023-02-30 reads as
// 2023-03-02, 24:00 as the next day). Text instants users give are checked here first, so that such a one is refused
// rather than quietly read as another.

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2}))?)?/;
const OFFSET = /[+-](\d{2}):?(\d{2})$/;

/** How many days `month` (1-12) of `year` has. */
function daysIn(year: number, month: number): number {
  const last = new Date(0);
  last.setUTCFullYear(year, month, 0); // day 0 of the next month: this month's last
  return last.getUTCDate();
}

/**
 * Whether the date, time and UTC offset an ISO 8601 / RFC 3339 text starts and ends with are real: month 1-12, a day
 * the month has, hour 0-23, minute and second 0-59, offset hours 0-23 and minutes 0-59. The rest of its form is the
 * caller's to check.
 */
export function isOnTheCalendar(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const offset = m[4] === undefined ? null : OFFSET.exec(text.slice(m[0].length));
  return !offset || (Number(offset[1]) <= 23 && Number(offset[2]) <= 59);
}
