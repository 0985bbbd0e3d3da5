import { describe, expect, it } from 'vitest';
import type { Territory } from '@sdr/schema';
import { matchTerritory, timeZoneMatches } from './territory.ts';

describe('timeZoneMatches', () => {
  it.each([
    { pattern: 'Europe/Berlin', zone: 'Europe/Berlin', hit: true },
    { pattern: 'Europe/Berlin', zone: 'europe/berlin', hit: true },
    { pattern: 'Europe/Berlin', zone: 'Europe/Paris', hit: false },
    { pattern: 'America/*', zone: 'America/Argentina/Buenos_Aires', hit: true },
    { pattern: 'America/*', zone: 'Americas', hit: false },
    { pattern: 'America/*', zone: '', hit: false },
    { pattern: 'UTC', zone: 'UTC', hit: true },
  ])('$pattern vs "$zone" → $hit', ({ pattern, zone, hit }) => {
    expect(timeZoneMatches(pattern, zone)).toBe(hit);
  });
});

const user = (userId: string) => ({ kind: 'user', userId }) as const;
const territories: Territory[] = [
  {
    id: 'dach-berlin',
    label: 'Berlin desk',
    countries: ['DE'],
    timeZones: ['Europe/Berlin'],
    assignTo: user('u1'),
  },
  { id: 'dach', label: 'DACH', countries: ['DE', 'AT', 'CH'], assignTo: user('u2') },
  { id: 'americas', label: 'Americas', timeZones: ['America/*'], assignTo: user('u3') },
];

describe('matchTerritory', () => {
  it.each([
    {
      lead: { country: 'DE', timeZone: 'Europe/Berlin' },
      id: 'dach-berlin',
      because: 'country DE, time zone Europe/Berlin',
    },
    { lead: { country: 'de', timeZone: 'Europe/Busingen' }, id: 'dach', because: 'country DE' },
    { lead: { country: 'AT' }, id: 'dach', because: 'country AT' },
    {
      lead: { country: 'BR', timeZone: 'America/Sao_Paulo' },
      id: 'americas',
      because: 'time zone America/Sao_Paulo',
    },
    {
      lead: { timeZone: 'America/New_York' },
      id: 'americas',
      because: 'time zone America/New_York',
    },
    { lead: { country: 'FR', timeZone: 'Europe/Paris' }, id: null, because: null },
    { lead: { country: 'XX' }, id: null, because: null },
    { lead: {}, id: null, because: null },
    { lead: { country: null, timeZone: null }, id: null, because: null },
  ])('$lead → $id', ({ lead, id, because }) => {
    const m = matchTerritory(lead, territories);
    expect(m?.territory.id ?? null).toBe(id);
    expect(m?.because ?? null).toBe(because);
  });

  it('matches nothing with no territories and ignores a territory with no criteria', () => {
    expect(matchTerritory({ country: 'DE' }, [])).toBeNull();
    const empty = { id: 'e', label: 'E', countries: [], assignTo: user('u9') };
    expect(matchTerritory({ country: 'DE' }, [empty, ...territories])?.territory.id).toBe('dach');
  });
});
