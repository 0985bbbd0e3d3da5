/**
 * Normalising lead field changes typed by a person or sent by an integration, before they are
 * written to the record: phone → E.164 (read in the lead's country when it has no country code),
 * country names → ISO codes, email lowercased, website tidied, and the time zone derived from the
 * phone or country when the lead has none. Values that cannot be read come back as issues for the
 * field they belong to; other fields pass through (the record's own rules check them).
 */
import { normaliseCountry } from './country.ts';
import { normalisePhone } from './phone.ts';
import { deriveTimeZone, normaliseTimeZone } from './timezone.ts';
import { parseEmail, parseWebsite } from './values.ts';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export type NormalisedChanges =
  { ok: true; changes: Record<string, unknown> } | { ok: false; issues: FieldProblem[] };

/** What the lead holds now (for a new lead: nothing). */
export interface LeadPlace {
  readonly phone?: string;
  readonly country?: string;
  readonly timezone?: string;
}

export function normaliseLeadChanges(
  input: Readonly<Record<string, unknown>>,
  current: LeadPlace = {},
): NormalisedChanges {
  const changes: Record<string, unknown> = { ...input };
  const issues: FieldProblem[] = [];
  const take = <T>(field: string, r: { ok: true; value: T } | { ok: false; message: string }) => {
    if (r.ok) changes[field] = r.value;
    else issues.push({ field, message: r.message });
  };

  if (typeof input.country === 'string') take('country', normaliseCountry(input.country));
  const country =
    typeof changes.country === 'string' && !issues.some((i) => i.field === 'country')
      ? changes.country
      : (current.country ?? '');
  if (typeof input.phone === 'string') {
    const p = normalisePhone(input.phone, country || undefined);
    if (p.ok) changes.phone = p.e164;
    else issues.push({ field: 'phone', message: p.message });
  }
  if (typeof input.email === 'string') take('email', parseEmail(input.email));
  if (typeof input.website === 'string') take('website', parseWebsite(input.website));
  if (typeof input.timezone === 'string') take('timezone', normaliseTimeZone(input.timezone));
  if (issues.length > 0) return { ok: false, issues };

  const zone = typeof changes.timezone === 'string' ? changes.timezone : (current.timezone ?? '');
  const located = 'phone' in changes || 'country' in changes;
  if (zone === '' && located && !('timezone' in input && input.timezone !== '')) {
    const derived = deriveTimeZone({
      phone: typeof changes.phone === 'string' ? changes.phone : current.phone,
      country,
    });
    if (derived) changes.timezone = derived.timeZone;
  }
  return { ok: true, changes };
}
