import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOnTheCalendar } from '../../src/calendar-time.js';

test('dates, times and offsets on the calendar pass; those Date.parse would roll over into another instant do not', () => {
  for (const text of [
    '2024-02-29',
    '2000-02-29T00:00',
    '2023-12-31T23:59:59Z',
    '2024-04-30 10:00:00.999999-05:30',
    '0004-02-29',
    '2024-01-01T10:00+0530',
  ]) {
    assert.equal(isOnTheCalendar(text), true, text);
  }
  for (const text of [
    '2023-02-29',
    '1900-02-29', // not a leap year: a century not divisible by 400
    '2024-04-31',
    '2024-00-10',
    '2024-13-01',
    '2024-01-00',
    '2024-01-01T24:00:00Z',
    '2024-01-01T10:60',
    '2024-01-01T10:00:60Z',
    '2024-01-01T10:00:00+24:00',
    '2024-01-01T10:00:00-05:60',
    'yesterday',
    '',
  ]) {
    assert.equal(isOnTheCalendar(text), false, text);
  }
});
