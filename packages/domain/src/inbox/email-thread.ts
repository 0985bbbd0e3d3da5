/**
 * Email threading keys: normalised Message-IDs (`<abc@host>` → `abc@host`), the thread root from
 * References / In-Reply-To (RFC 5322 §3.6.4: the first References entry is the root), and
 * normalised subjects (reply/forward prefixes in common languages stripped) for the fallback
 * match when a client dropped the references.
 */

/** `<abc@host>` / ` abc@host ` → `abc@host`; null when empty. Case is kept (ids are opaque). */
export function normaliseMessageId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let s = raw.trim();
  const open = s.indexOf('<');
  const close = s.indexOf('>', open + 1);
  if (open >= 0 && close > open) s = s.slice(open + 1, close);
  s = s.trim().replace(/\s+/g, '');
  return s === '' ? null : s;
}

/** Every id in a References / In-Reply-To value (or list of values), in order, de-duplicated. */
export function parseMessageIds(value: string | readonly string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  const text = typeof value === 'string' ? value : value.join(' ');
  const bracketed = [...text.matchAll(/<([^<>]+)>/g)].map((m) => m[1] ?? '');
  const raw = bracketed.length > 0 ? bracketed : text.split(/[\s,]+/);
  const out: string[] = [];
  for (const r of raw) {
    const id = normaliseMessageId(r);
    if (id !== null && !out.includes(id)) out.push(id);
  }
  return out;
}

export interface ThreadHeaders {
  readonly messageId?: string | null;
  readonly inReplyTo?: string | readonly string[] | null;
  readonly references?: string | readonly string[] | null;
}

/**
 * The thread's root Message-ID: the first References entry, else the first In-Reply-To id, else
 * the message's own id (it starts a thread); null when the message has no ids at all.
 */
export function threadRootId(headers: ThreadHeaders): string | null {
  return (
    parseMessageIds(headers.references)[0] ??
    parseMessageIds(headers.inReplyTo)[0] ??
    normaliseMessageId(headers.messageId)
  );
}

/**
 * Every id this message refers to (References, then In-Reply-To), to look up the conversation by
 * any message of the thread when the root is unknown to us.
 */
export function referencedIds(headers: ThreadHeaders): string[] {
  const out = parseMessageIds(headers.references);
  for (const id of parseMessageIds(headers.inReplyTo)) if (!out.includes(id)) out.push(id);
  return out;
}

// Re/Fwd in English, German (AW, WG), Nordic (SV, VS, VB), Dutch (Antw, Doorst), French (TR),
// Spanish/Italian (RV, RIF, R, I), Polish (ODP, PD), Portuguese (ENC), Turkish (YNT, ILT), ...
const PREFIX =
  /^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|vb|antw|antwort|doorst|tr|rv|rif|r|i|odp|pd|enc|ynt|ilt|ответ|回复|答复|转发)(?:\s*\[\d+\]|\s*\(\d+\))?\s*[:：]|\[[^\]]{0,40}\]\s*(?=\S))\s*/i;

/** The subject without reply/forward prefixes and list tags ("Re: AW: [list] Hi" → "Hi"). */
export function normaliseSubject(subject: string | null | undefined): string {
  let s = (subject ?? '').replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 20; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next.trim();
  }
  return s;
}

/** Case-insensitive subject key for matching ("" when the subject is empty). */
export function subjectKey(subject: string | null | undefined): string {
  return normaliseSubject(subject).toLowerCase();
}
