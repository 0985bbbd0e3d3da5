import { describe, expect, it } from 'vitest';
import {
  countriesNeedingMainZone,
  countryTimeZones,
  deriveTimeZone,
  isValidTimeZone,
  mainTimeZone,
  normaliseTimeZone,
} from './timezone.ts';

describe('isValidTimeZone', () => {
  it.each([
    ['America/New_York', true],
    ['Europe/Berlin', true],
    ['UTC', true],
    ['Asia/Kolkata', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['+05:00', false],
  ])('%j → %s', (tz, valid) => {
    expect(isValidTimeZone(tz)).toBe(valid);
  });
});

describe('normaliseTimeZone', () => {
  it.each([
    ['', ''],
    ['America/New_York', 'America/New_York'],
    ['america/new_york', 'America/New_York'],
    ['  America/New York ', 'America/New_York'],
    ['europe/berlin', 'Europe/Berlin'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Calcutta'],
    ['utc', 'UTC'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
  ])('%j → %j', (input, zone) => {
    expect(normaliseTimeZone(input)).toEqual({ ok: true, value: zone });
  });

  it.each(['EST', 'CST', 'PST', 'CET', 'EST5EDT', 'GMT+1', 'Eastern Time', 'Europe/Atlantis'])(
    '%j is refused',
    (input) => {
      const r = normaliseTimeZone(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/IANA name/);
    },
  );
});

describe('mainTimeZone', () => {
  it.each([
    ['US', 'America/New_York'],
    ['CA', 'America/Toronto'],
    ['BR', 'America/Sao_Paulo'],
    ['AU', 'Australia/Sydney'],
    ['RU', 'Europe/Moscow'],
    ['ES', 'Europe/Madrid'],
    ['PT', 'Europe/Lisbon'],
    ['MY', 'Asia/Kuala_Lumpur'],
    // One zone of its own: the library decides.
    ['DE', 'Europe/Berlin'],
    ['GB', 'Europe/London'],
    ['FR', 'Europe/Paris'],
    ['IN', 'Asia/Kolkata'],
    ['JP', 'Asia/Tokyo'],
    ['UA', 'Europe/Kyiv'],
    ['VN', 'Asia/Ho_Chi_Minh'],
    ['de', 'Europe/Berlin'],
    ['AQ', null],
    ['', null],
    ['XX', null],
  ])('%j → %j', (country, zone) => {
    expect(mainTimeZone(country)).toBe(zone);
  });

  it('has a main zone for every country with several zones of its own, from the library', () => {
    const needing = countriesNeedingMainZone();
    expect(needing).toContain('US');
    // Antarctica and two dependencies made of scattered islands have no main zone on purpose.
    const without = needing.filter((c) => mainTimeZone(c) === null);
    expect(without.sort()).toEqual(['AQ', 'TF', 'UM']);
    for (const country of needing.filter((c) => !without.includes(c))) {
      const zone = mainTimeZone(country)!;
      expect(countryTimeZones(country), `${country} → ${zone}`).toContain(zone);
      expect(isValidTimeZone(zone)).toBe(true);
    }
  });
});

describe('deriveTimeZone', () => {
  it.each([
    [{ phone: '+14155550123' }, { timeZone: 'America/New_York', from: 'phone', country: 'US' }],
    [{ phone: '+14165550123' }, { timeZone: 'America/Toronto', from: 'phone', country: 'CA' }],
    [
      { phone: '+493012345678', country: 'US' },
      { timeZone: 'Europe/Berlin', from: 'phone', country: 'DE' },
    ],
    [{ country: 'GB' }, { timeZone: 'Europe/London', from: 'country', country: 'GB' }],
    [
      { phone: '', country: 'jp' },
      { timeZone: 'Asia/Tokyo', from: 'country', country: 'JP' },
    ],
    // +800 (international freephone) has no country: fall back to the country field.
    [
      { phone: '+80012345678', country: 'FR' },
      { timeZone: 'Europe/Paris', from: 'country', country: 'FR' },
    ],
    [{ phone: '', country: '' }, null],
    [{ country: 'AQ' }, null],
    [{}, null],
  ])('%j → %j', (lead, derived) => {
    expect(deriveTimeZone(lead)).toEqual(derived);
  });
});
