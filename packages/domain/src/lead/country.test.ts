import { describe, expect, it } from 'vitest';
import { isCountryCode, normaliseCountry } from './country.ts';

describe('normaliseCountry', () => {
  it.each([
    ['', ''],
    ['  ', ''],
    ['US', 'US'],
    ['us', 'US'],
    [' de ', 'DE'],
    ['USA', 'US'],
    ['DEU', 'DE'],
    ['gbr', 'GB'],
    ['United States', 'US'],
    ['United States of America', 'US'],
    ['U.S.A.', 'US'],
    ['U.S.', 'US'],
    ['united states', 'US'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['Scotland', 'GB'],
    ['Germany', 'DE'],
    ['Deutschland', 'DE'],
    ['Allemagne', 'DE'],
    ['Alemania', 'DE'],
    ['Österreich', 'AT'],
    ['Oesterreich', null],
    ['France', 'FR'],
    ['Royaume-Uni', 'GB'],
    ['Vereinigtes Königreich', 'GB'],
    ['The Netherlands', 'NL'],
    ['Netherlands', 'NL'],
    ['Viet Nam', 'VN'],
    ["Côte d'Ivoire", 'CI'],
    ['Cote d’Ivoire', 'CI'],
    ['Ivory Coast', 'CI'],
    ['South Korea', 'KR'],
    ['Korea, Republic of', 'KR'],
    ['Russia', 'RU'],
    ['Czechia', 'CZ'],
    ['Turkey', 'TR'],
    ['Türkiye', 'TR'],
    ['Brasil', 'BR'],
    ['México', 'MX'],
    ['Mexico', 'MX'],
    ['Narnia', null],
    ['XX', null],
    ['ZZZ', null],
    ['12', null],
  ])('%j → %j', (input, code) => {
    const r = normaliseCountry(input);
    if (code === null) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/Unknown country/);
    } else {
      expect(r).toEqual({ ok: true, value: code });
    }
  });

  it('refuses a name two countries share instead of guessing', () => {
    const r = normaliseCountry('Congo');
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/CD or CG/) });
    expect(normaliseCountry('Democratic Republic of the Congo')).toEqual({ ok: true, value: 'CD' });
  });

  it('knows the assigned alpha-2 codes', () => {
    expect(isCountryCode('US')).toBe(true);
    expect(isCountryCode('UK')).toBe(false);
    expect(isCountryCode('us')).toBe(false);
  });
});
