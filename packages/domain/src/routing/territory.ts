/**
 * Territory matching: a lead's country (ISO alpha-2) and IANA time zone against territories,
 * first match wins. A territory listing both countries and time zones needs both to match; one
 * listing only one kind is decided by it. Time zone patterns are exact zones (`Europe/Berlin`) or
 * region prefixes (`America/*`), compared case-insensitively.
 */
import type { Territory } from '@sdr/schema';

export interface LeadLocation {
  readonly country?: string | null;
  readonly timeZone?: string | null;
}

export function timeZoneMatches(pattern: string, zone: string): boolean {
  const p = pattern.trim().toLowerCase();
  const z = zone.trim().toLowerCase();
  if (z === '') return false;
  return p.endsWith('/*') ? z.startsWith(p.slice(0, -1)) : p === z;
}

export interface TerritoryMatch {
  readonly territory: Territory;
  /** e.g. `country DE, time zone Europe/Berlin`. */
  readonly because: string;
}

export function matchTerritory(
  location: LeadLocation,
  territories: readonly Territory[],
): TerritoryMatch | null {
  const country = (location.country ?? '').trim().toUpperCase();
  const zone = (location.timeZone ?? '').trim();
  for (const territory of territories) {
    const because: string[] = [];
    const countries = territory.countries ?? [];
    const zones = territory.timeZones ?? [];
    if (countries.length === 0 && zones.length === 0) continue;
    if (countries.length > 0) {
      if (country === '' || !countries.some((c) => c.trim().toUpperCase() === country)) continue;
      because.push(`country ${country}`);
    }
    if (zones.length > 0) {
      if (!zones.some((p) => timeZoneMatches(p, zone))) continue;
      because.push(`time zone ${zone}`);
    }
    return { territory, because: because.join(', ') };
  }
  return null;
}
