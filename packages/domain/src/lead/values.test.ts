import { describe, expect, it } from 'vitest';
import type { CustomFieldDef } from './types.ts';
import {
  parseBoolean,
  parseCompanySize,
  parseConsent,
  parseCustomValue,
  parseEmail,
  parseList,
  parseNumber,
  parseTags,
  parseText,
  parseWebsite,
} from './values.ts';

function expectFail(r: { ok: boolean; message?: string }, message: RegExp): void {
  expect(r.ok).toBe(false);
  expect(r.message).toMatch(message);
}

describe('parseText', () => {
  it.each([
    ['  Ada  ', 200, 'Ada'],
    ['', 200, ''],
    ['x'.repeat(200), 200, 'x'.repeat(200)],
  ])('%j (max %d) → %j', (input, max, value) => {
    expect(parseText(input, max)).toEqual({ ok: true, value });
  });

  it('refuses text over the limit and says by how much', () => {
    expectFail(parseText('x'.repeat(201)), /at most 200 characters \(this has 201\)/);
  });
});

describe('parseEmail', () => {
  it.each([
    ['', ''],
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['first.last+tag@sub.example.co.uk', 'first.last+tag@sub.example.co.uk'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['Ada Lovelace <ada@example.com>', 'ada@example.com'],
    ['mailto:Ada@example.com', 'ada@example.com'],
  ])('%j → %j', (input, value) => {
    expect(parseEmail(input)).toEqual({ ok: true, value });
  });

  it.each([
    ['ada', /not a valid email/],
    ['ada@', /not a valid email/],
    ['ada@example', /not a valid email/],
    ['.ada@example.com', /not a valid email/],
    ['ada..lovelace@example.com', /not a valid email/],
    ['ada@exa mple.com', /not a valid email/],
    ['=HYPERLINK("mailto:a@b.com")', /not a valid email/],
    ['ada@example.com; bob@example.com', /One email address per lead/],
    ['ada@example.com, bob@example.com', /One email address per lead/],
    [`${'a'.repeat(250)}@example.com`, /at most 254/],
  ])('%j is refused', (input, message) => {
    expectFail(parseEmail(input), message);
  });
});

describe('parseCompanySize', () => {
  it.each([
    ['', null],
    ['  ', null],
    ['250', 250],
    [250, 250],
    ['1,000', 1000],
    ['1 000', 1000],
    ['51-200', 51],
    ['51 - 200 employees', 51],
    ['1,001–5,000', 1001],
    ['10k', 10000],
    ['10K+', 10000],
    ['10,000+', 10000],
    ['500 employees', 500],
    ['0', 0],
  ])('%j → %j', (input, value) => {
    expect(parseCompanySize(input)).toEqual({ ok: true, value });
  });

  it.each(['lots', '-5', 'n/a', '1e9', '20000000'])('%j is refused', (input) => {
    expectFail(parseCompanySize(input), /employees|too large/);
  });
});

describe('parseConsent', () => {
  it.each([
    ['', 'unknown'],
    ['Unknown', 'unknown'],
    ['yes', 'granted'],
    ['YES', 'granted'],
    ['true', 'granted'],
    ['1', 'granted'],
    ['Opted in', 'granted'],
    ['opted-in', 'granted'],
    ['opt_in', 'granted'],
    ['granted', 'granted'],
    ['Subscribed', 'granted'],
    ['no', 'denied'],
    ['False', 'denied'],
    ['0', 'denied'],
    ['opted out', 'denied'],
    ['Opt-Out', 'denied'],
    ['unsubscribed', 'denied'],
    ['denied', 'denied'],
    ['Do not contact', 'denied'],
  ])('%j → %s', (input, value) => {
    expect(parseConsent(input)).toEqual({ ok: true, value });
  });

  it.each(['maybe', 'later', '2'])('%j is refused', (input) => {
    expectFail(parseConsent(input), /not a consent value/);
  });
});

describe('parseBoolean', () => {
  it.each([
    ['', null],
    ['true', true],
    ['TRUE', true],
    ['Yes', true],
    ['y', true],
    ['1', true],
    ['x', true],
    ['false', false],
    ['No', false],
    ['0', false],
    ['n', false],
  ])('%j → %j', (input, value) => {
    expect(parseBoolean(input)).toEqual({ ok: true, value });
  });

  it.each(['maybe', '2', 'yess'])('%j is refused', (input) => {
    expectFail(parseBoolean(input), /not yes or no/);
  });
});

describe('parseTags / parseList', () => {
  it.each([
    ['', []],
    ['vip', ['vip']],
    ['vip; webinar', ['vip', 'webinar']],
    ['vip, webinar ,  , vip', ['vip', 'webinar']],
    ['VIP;vip;Vip', ['VIP']],
    ['a;b,c', ['a', 'b', 'c']],
  ])('%j → %j', (input, value) => {
    expect(parseTags(input)).toEqual({ ok: true, value });
  });

  it('enforces the tag limits', () => {
    expectFail(parseTags(`ok; ${'x'.repeat(65)}`), /longer than 64/);
    const many = Array.from({ length: 101 }, (_, i) => `t${i}`).join(';');
    expectFail(parseTags(many), /At most 100 values \(found 101\)/);
    const hundred = Array.from({ length: 100 }, (_, i) => `t${i}`).join(';');
    expect(parseTags(hundred)).toMatchObject({ ok: true });
  });

  it('takes other limits', () => {
    expectFail(parseList('a;b;c', { maxItems: 2, maxLength: 10 }), /At most 2/);
  });
});

describe('parseWebsite', () => {
  it.each([
    ['', ''],
    ['example.com', 'example.com'],
    ['Example.COM', 'example.com'],
    ['www.example.com', 'www.example.com'],
    ['https://www.Example.com/', 'https://www.example.com'],
    ['HTTP://example.com/About?x=1', 'http://example.com/About?x=1'],
    ['example.co.uk:8080/path', 'example.co.uk:8080/path'],
    ['bücher.de', 'bücher.de'],
  ])('%j → %j', (input, value) => {
    expect(parseWebsite(input)).toEqual({ ok: true, value });
  });

  it.each(['n/a', 'ada@example.com', 'ftp://example.com', 'example', 'exa mple.com', 'http://'])(
    '%j is refused',
    (input) => {
      expectFail(parseWebsite(input), /not a website address/);
    },
  );

  it('refuses addresses over 500 characters', () => {
    expectFail(parseWebsite(`example.com/${'x'.repeat(500)}`), /at most 500/);
  });
});

describe('parseNumber', () => {
  it.each([
    ['', null],
    ['42', 42],
    ['-5', -5],
    ['+3.5', 3.5],
    ['1,234', 1234],
    ['1,234.5', 1234.5],
    ['1.234,5', 1234.5],
    ['1.234.567', 1234567],
    ['12,5', 12.5],
    ['1 234,5', 1234.5],
    ['1\u00a0234', 1234],
  ])('%j → %j', (input, value) => {
    expect(parseNumber(input)).toEqual({ ok: true, value });
  });

  it.each(['abc', '1,2,3', '1.2.3,4,5', '--1', 'Infinity', 'NaN', '12abc'])(
    '%j is refused',
    (input) => {
      expectFail(parseNumber(input), /not a number/);
    },
  );
});

describe('parseCustomValue', () => {
  const def = (type: CustomFieldDef['type'], options?: string[]): CustomFieldDef => ({
    key: 'k',
    label: 'Plan',
    type,
    ...(options ? { options } : {}),
  });

  it.each([
    [def('text'), '  hello ', 'hello'],
    [def('number'), '1,500', 1500],
    [def('number'), '', null],
    [def('boolean'), 'yes', true],
    [def('boolean'), '', null],
    [def('date'), '3/5/2024', '2024-03-05'],
    [def('date'), '', null],
    [def('select', ['Free', 'Pro']), ' pro ', 'Pro'],
    [def('select', ['Free', 'Pro']), '', null],
    [def('multiselect', ['Free', 'Pro', 'Team']), 'team; FREE, team', ['Team', 'Free']],
    [def('multiselect', ['Free']), '', []],
  ])('%j %j → %j', (field, input, value) => {
    expect(parseCustomValue(field, input)).toEqual({ ok: true, value });
  });

  it('reads ambiguous custom dates in the given order', () => {
    expect(parseCustomValue(def('date'), '3/5/2024', { dateOrder: 'dmy' })).toEqual({
      ok: true,
      value: '2024-05-03',
    });
  });

  it.each([
    [def('number'), 'many', /not a number/],
    [def('boolean'), 'perhaps', /not yes or no/],
    [def('date'), '31/31/2024', /not a date/],
    [
      def('select', ['Free', 'Pro']),
      'Enterprise',
      /"Enterprise" is not an option of Plan \(Free, Pro\)/,
    ],
    [def('multiselect', ['Free', 'Pro']), 'Free; Gold', /"Gold" is not an option/],
    [def('text'), 'x'.repeat(2001), /at most 2000/],
  ])('%j %j is refused', (field, input, message) => {
    expectFail(parseCustomValue(field, input), message);
  });
});
