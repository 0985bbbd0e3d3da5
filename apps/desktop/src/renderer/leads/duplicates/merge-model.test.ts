import { describe, expect, it } from 'vitest';
import type { LeadDto } from '../../../shared/contract.ts';
import {
  defaultChoices,
  differingFields,
  groupReason,
  mergedPreview,
  mergeRequest,
  pickWinner,
  showValue,
} from './merge-model.ts';

const lead = (id: string, over: Partial<LeadDto> = {}): LeadDto => ({
  id,
  firstName: '',
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
  createdAt: 1,
  lastContactedAt: null,
  mergedInto: null,
  deleted: false,
  updatedAt: 1,
  seq: 0,
  pending: false,
  ...over,
});

describe('merge model', () => {
  const a = lead('A', { firstName: 'Ada', email: 'ada@x.com', tags: ['vip'], createdAt: 5 });
  const b = lead('B', {
    firstName: 'Ada',
    email: 'ada@x.com',
    title: 'CTO',
    phone: '+14155550123',
    tags: ['q3', 'vip'],
    custom: { region: 'emea' },
    createdAt: 2,
  });

  it('keeps the most complete lead and fills the winner’s empty fields from the others', () => {
    expect(pickWinner([a, b]).id).toBe('B');
    expect(pickWinner([a, lead('C', { firstName: 'X', email: 'y@x.com', createdAt: 1 })]).id).toBe(
      'C',
    );
    expect(defaultChoices(a, [b])).toEqual({ title: 'B', phone: 'B' });
    expect(differingFields([a, b])).toEqual(['phone', 'title', 'custom']);
  });

  it('previews the merged lead and builds the engine request', () => {
    const choices = { title: 'B', phone: 'B', email: 'A' };
    const merged = mergedPreview(a, [b], choices);
    expect(merged).toMatchObject({
      title: 'CTO',
      phone: '+14155550123',
      email: 'ada@x.com',
      tags: ['vip', 'q3'],
      custom: { region: 'emea' },
    });
    expect(mergeRequest(a, [b], { ...choices, company: 'gone' })).toEqual({
      winnerId: 'A',
      loserIds: ['B'],
      values: { title: 'B', phone: 'B' },
    });
  });

  it('shows values and group reasons', () => {
    expect(showValue('title', '')).toBe('—');
    expect(showValue('doNotContact', true)).toBe('Yes');
    expect(showValue('custom', { region: 'emea', n: 3 })).toBe('region: emea; n: 3');
    expect(showValue('ownerId', 'u1', () => 'Grace')).toBe('Grace');
    expect(groupReason('name', 'smith|j|acme')).toBe('Same name and company (smith, J. at acme)');
    expect(groupReason('email', 'a@x.com')).toBe('Same email a@x.com');
  });
});
