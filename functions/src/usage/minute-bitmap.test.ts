import { describe, expect, it } from 'vitest';
import {
  MINUTES_PER_DAY,
  addMinute,
  countMinutes,
  decodeMinutes,
  encodeMinutes,
  hasMinute,
  isEmpty,
  minuteOfDay,
  noMinutes,
  union,
} from './minute-bitmap.js';

describe('minute bitmaps', () => {
  it('number the minutes of the UTC day from 0 to 1439', () => {
    expect(minuteOfDay(Date.parse('2026-10-05T00:00:00.000Z'))).toBe(0);
    expect(minuteOfDay(Date.parse('2026-10-05T00:00:59.999Z'))).toBe(0);
    expect(minuteOfDay(Date.parse('2026-10-05T13:07:30Z'))).toBe(13 * 60 + 7);
    expect(minuteOfDay(Date.parse('2026-10-05T23:59:59.999Z'))).toBe(MINUTES_PER_DAY - 1);
    expect(minuteOfDay(Date.parse('1969-12-31T23:59:00Z'))).toBe(MINUTES_PER_DAY - 1);
  });

  it('hold each minute once, whatever the number of calls in it', () => {
    const set = noMinutes();
    for (const minute of [0, 7, 7, 8, 700, 1439, 1439]) addMinute(set, minute);
    // Out of range: ignored, never another day's minute.
    addMinute(set, 1440);
    addMinute(set, -1);
    addMinute(set, 3.5);
    expect(countMinutes(set)).toBe(5);
    expect([0, 7, 8, 700, 1439].every((minute) => hasMinute(set, minute))).toBe(true);
    expect(hasMinute(set, 1)).toBe(false);
    expect(hasMinute(set, 6)).toBe(false);
  });

  it('are stored as 240 base64 characters and read back the same', () => {
    const set = noMinutes();
    for (let minute = 0; minute < MINUTES_PER_DAY; minute += 3) addMinute(set, minute);
    const stored = encodeMinutes(set);
    expect(stored).toHaveLength(240);
    const read = decodeMinutes(stored);
    expect(countMinutes(read)).toBe(480);
    expect(encodeMinutes(read)).toBe(stored);
  });

  it('read anything that is not a stored bitmap as no minutes', () => {
    for (const damaged of [undefined, null, 42, '', 'AAAA', 'x'.repeat(500)])
      expect(isEmpty(decodeMinutes(damaged))).toBe(true);
  });

  it('merge by union: folding the same minutes again adds nothing', () => {
    const a = noMinutes();
    const b = noMinutes();
    [1, 2, 3].forEach((minute) => addMinute(a, minute));
    [3, 4].forEach((minute) => addMinute(b, minute));
    const both = union(a, b);
    expect(countMinutes(both)).toBe(4);
    expect(encodeMinutes(union(both, b))).toBe(encodeMinutes(both));
    expect(countMinutes(a)).toBe(3);
  });
});
