import { describe, expect, it } from 'vitest';
import type { LeadDto, LeadFieldInfo } from '../../shared/contract.ts';
import {
  displayValue,
  editText,
  fullName,
  leadValue,
  parseCustomField,
  parseTagInput,
  parseTextField,
} from './lead-values.ts';

describe('parseTextField', () => {
  it('normalises what people type the way the record stores it', () => {
    expect(parseTextField('email', '  Ada@Example.COM ')).toEqual({
      ok: true,
      changes: { email: 'ada@example.com' },
    });
    expect(parseTextField('phone', '+1 (415) 555-0132')).toEqual({
      ok: true,
      changes: { phone: '+14155550132' },
    });
    expect(parseTextField('country', 'Germany')).toEqual({ ok: true, changes: { country: 'DE' } });
    expect(parseTextField('companySize', '51-200')).toEqual({
      ok: true,
      changes: { companySize: 51 },
    });
    expect(parseTextField('companySize', '')).toEqual({ ok: true, changes: { companySize: null } });
    expect(parseTextField('team', ' ')).toEqual({ ok: true, changes: { team: null } });
    expect(parseTextField('firstName', '  Ada ')).toEqual({
      ok: true,
      changes: { firstName: 'Ada' },
    });
  });

  it('refuses what the record would refuse, with a message for the field', () => {
    const email = parseTextField('email', 'not-an-email');
    expect(email.ok).toBe(false);
    expect(!email.ok && email.message).toMatch(/email/i);
    expect(parseTextField('phone', '12').ok).toBe(false);
    expect(parseTextField('country', 'Atlantis').ok).toBe(false);
    expect(parseTextField('timezone', 'Mars/Olympus').ok).toBe(false);
    const long = parseTextField('company', 'x'.repeat(201));
    expect(!long.ok && long.message).toMatch(/200/);
  });
});

describe('other parsers', () => {
  it('tags: comma separated, trimmed, without duplicates', () => {
    expect(parseTagInput('vip, hot ,vip')).toEqual({ ok: true, value: ['vip', 'hot'] });
    expect(parseTagInput('x'.repeat(65)).ok).toBe(false);
  });

  it('custom fields by their definition', () => {
    const plan = { key: 'plan', label: 'Plan', type: 'select', options: ['Free', 'Pro'] } as const;
    expect(parseCustomField(plan, 'pro')).toEqual({ ok: true, value: 'Pro' });
    expect(parseCustomField(plan, 'gold').ok).toBe(false);
    expect(parseCustomField({ key: 'seats', label: 'Seats', type: 'number' }, '12')).toEqual({
      ok: true,
      value: 12,
    });
  });
});

describe('reading and showing values', () => {
  const lead = {
    id: 'l1',
    firstName: 'Ada',
    lastName: '',
    email: 'ada@example.com',
    ownerId: 'u1',
    tags: ['a', 'b'],
    custom: { plan: 'pro' },
    companySize: 1200,
    doNotContact: false,
  } as unknown as LeadDto;
  const info = (key: string, type: LeadFieldInfo['type'], options?: LeadFieldInfo['options']) =>
    ({
      key,
      label: key,
      type,
      custom: false,
      sortable: true,
      editable: true,
      options,
    }) as LeadFieldInfo;

  it('reads built-in and custom fields', () => {
    expect(leadValue(lead, 'email')).toBe('ada@example.com');
    expect(leadValue(lead, 'custom.plan')).toBe('pro');
    expect(leadValue(lead, 'custom.none')).toBeUndefined();
    expect(fullName(lead)).toBe('Ada');
    expect(fullName({ firstName: '', lastName: '', email: '' })).toBe('Unnamed lead');
    expect(editText(['a', 'b'])).toBe('a, b');
    expect(editText(null)).toBe('');
  });

  it('shows owners by name, options by label, booleans as words', () => {
    const members = new Map([['u1', 'Grace Hopper']]);
    expect(displayValue('u1', info('ownerId', 'select'), { members })).toBe('Grace Hopper');
    expect(
      displayValue('pro', info('custom.plan', 'select', [{ value: 'pro', label: 'Pro plan' }])),
    ).toBe('Pro plan');
    expect(displayValue(false, info('doNotContact', 'boolean'))).toBe('No');
    expect(displayValue(['a', 'b'], info('tags', 'tags'))).toBe('a, b');
    expect(displayValue(null, info('companySize', 'number'))).toBe('');
    expect(displayValue(1200, info('companySize', 'number'))).toMatch(/1.?200/);
  });
});
