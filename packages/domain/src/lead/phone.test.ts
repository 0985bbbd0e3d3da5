import { describe, expect, it } from 'vitest';
import { normalisePhone, phoneCountry, phoneType } from './phone.ts';

describe('normalisePhone', () => {
  it.each([
    // input, default country, e164, country
    ['', undefined, '', ''],
    ['   ', 'US', '', ''],
    ['+1 415 555 0123', undefined, '+14155550123', 'US'],
    ['+1 (212) 555-0199', undefined, '+12125550199', 'US'],
    ['(415) 555-0123', 'US', '+14155550123', 'US'],
    ['415.555.0123', 'us', '+14155550123', 'US'],
    ['1-415-555-0123', 'US', '+14155550123', 'US'],
    ['14155550123', 'US', '+14155550123', 'US'],
    ['+1 416 555 0123', undefined, '+14165550123', 'CA'],
    ['+1 809 555 1234', undefined, '+18095551234', 'DO'],
    ['+44 20 7946 0958', undefined, '+442079460958', 'GB'],
    ['020 7946 0958', 'GB', '+442079460958', 'GB'],
    ['0044 20 7946 0958', undefined, '+442079460958', 'GB'],
    ['0044 20 7946 0958', 'US', '+442079460958', 'GB'],
    ['00 49 30 12345678', 'DE', '+493012345678', 'DE'],
    ['030 1234567', 'DE', '+49301234567', 'DE'],
    ['+33 6 12 34 56 78', undefined, '+33612345678', 'FR'],
    ['+61 2 9374 4000', undefined, '+61293744000', 'AU'],
    ['+7 495 123-45-67', undefined, '+74951234567', 'RU'],
    ['tel:+14155550123', undefined, '+14155550123', 'US'],
    ["'+14155550123", undefined, '+14155550123', 'US'],
    ['+1 415 555 0123 ext. 12', undefined, '+14155550123', 'US'],
  ])('%j (default %s) → %s', (input, country, e164, expectedCountry) => {
    const r = normalisePhone(input, country);
    expect(r).toMatchObject({ ok: true, e164, country: expectedCountry });
  });

  it.each([
    ['(415) 555-0123', undefined, /country code/],
    ['call me', 'US', /Not a phone number/],
    ['+1 200 555 0123', undefined, /Not a valid phone number/],
    ['+1 999 999 9999', undefined, /Not a valid phone number/],
    ['555-0123', 'US', /short|valid/],
    ['+44 7700 900123', undefined, /Not a valid/],
    ['12', 'US', /short|Not a phone/],
    ['+1 415 555 0123 4567 8901', undefined, /long|valid/],
    ['4.15555E+09', 'US', /spreadsheet shortened/],
    ['1,41556E+10', 'US', /spreadsheet shortened/],
    ['+999 1234567', undefined, /country calling code|Not a phone/],
  ])('%j (default %s) is refused: %s', (input, country, message) => {
    const r = normalisePhone(input, country);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('keeps the extension apart', () => {
    expect(normalisePhone('+1 415 555 0123 ext. 12')).toEqual({
      ok: true,
      e164: '+14155550123',
      country: 'US',
      extension: '12',
    });
  });

  it('ignores an unknown default country instead of guessing', () => {
    expect(normalisePhone('(415) 555-0123', 'XX').ok).toBe(false);
    expect(normalisePhone('+14155550123', 'XX')).toMatchObject({ ok: true, e164: '+14155550123' });
  });
});

describe('phoneCountry', () => {
  it.each([
    ['+14155550123', 'US'],
    ['+14165550123', 'CA'],
    ['+442079460958', 'GB'],
    ['', ''],
    ['4155550123', ''],
    ['+', ''],
  ])('%j → %j', (e164, country) => {
    expect(phoneCountry(e164)).toBe(country);
  });
});

describe('phoneType', () => {
  it.each([
    ['+33612345678', 'MOBILE'],
    ['+442079460958', 'FIXED_LINE'],
    ['+14155550123', 'FIXED_LINE_OR_MOBILE'],
    ['+18005550199', 'TOLL_FREE'],
    ['', null],
    ['4155550123', null],
  ])('%j → %j', (e164, type) => {
    expect(phoneType(e164)).toBe(type);
  });
});
