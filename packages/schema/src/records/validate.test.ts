import { describe, expect, it } from 'vitest';
import { leadRecord } from './lead.ts';
import { checkFieldChanges, projectRaw } from './validate.ts';

describe('lead validation', () => {
  it.each([
    { field: 'email', value: 'ada@example.com', ok: true },
    { field: 'email', value: '', ok: true },
    { field: 'email', value: 'not an email', ok: false },
    { field: 'status', value: '', ok: false },
    { field: 'status', value: 'x'.repeat(65), ok: false },
    { field: 'ownerId', value: null, ok: true },
    { field: 'ownerId', value: '', ok: false },
    { field: 'tags', value: ['a', 'b'], ok: true },
    { field: 'tags', value: [1], ok: false },
    { field: 'tags', value: 'a,b', ok: false },
    { field: 'deleted', value: 'yes', ok: false },
    { field: 'firstName', value: 42, ok: false },
    { field: 'phone', value: '+14155550100', ok: true },
    { field: 'phone', value: '+1 555 0100', ok: false },
    { field: 'phone', value: '', ok: true },
    { field: 'country', value: 'FR', ok: true },
    { field: 'country', value: 'France', ok: false },
    { field: 'timezone', value: 'Europe/Paris', ok: true },
    { field: 'timezone', value: 'Mars/Olympus', ok: false },
    { field: 'companySize', value: 250, ok: true },
    { field: 'companySize', value: 2.5, ok: false },
    { field: 'consentEmail', value: 'granted', ok: true },
    { field: 'consentEmail', value: 'yes', ok: false },
    { field: 'custom', value: { budget: 5000, region: 'emea' }, ok: true },
    { field: 'custom', value: { 'Bad Key': 1 }, ok: false },
    { field: 'createdAt', value: -1, ok: false },
    { field: 'nope', value: 'x', ok: false },
  ])('$field = $value → valid: $ok', ({ field, value, ok }) => {
    expect(checkFieldChanges(leadRecord, { [field]: value }).length === 0).toBe(ok);
  });

  it('projects defaults for missing keys and reports invalid and unknown ones', () => {
    const p = projectRaw(
      leadRecord,
      { fields: { status: '', extra: 1, firstName: 'A' }, notes: 'n' },
      2,
    );
    expect(p.values).toEqual({
      firstName: 'A',
      lastName: '',
      email: '',
      phone: '',
      company: '',
      title: '',
      industry: '',
      companySize: null,
      website: '',
      country: '',
      timezone: '',
      source: '',
      status: 'new',
      statusReason: '',
      ownerId: null,
      team: null,
      tags: [],
      consentEmail: 'unknown',
      consentSms: 'unknown',
      consentCalls: 'unknown',
      doNotContact: false,
      custom: {},
      createdAt: 0,
      lastContactedAt: null,
      mergedInto: null,
      deleted: false,
    });
    expect(p.issues.map((i) => [i.field, i.code])).toEqual([
      ['status', 'invalid_value'],
      ['extra', 'unknown_field'],
    ]);
    expect(p.notes).toBe('n');
  });

  it('reports notes beyond the limit', () => {
    const p = projectRaw(
      leadRecord,
      { fields: {}, notes: 'x'.repeat(leadRecord.maxNotesLength + 1) },
      2,
    );
    expect(p.issues.map((i) => i.code)).toEqual(['notes_too_long']);
  });
});
