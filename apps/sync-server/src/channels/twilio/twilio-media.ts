/**
 * Media of an inbound Twilio message (MMS / WhatsApp): `NumMedia`, `MediaUrl{i}`,
 * `MediaContentType{i}` become attachment METADATA on the message, with `fileId`
 * `twilio:<MediaUrl>` (the marker for "not in our file store": the content stays at Twilio, whose
 * media URLs need the account's credentials unless the account allows public media). The size is
 * unknown (0). The message is stored with these at once; `twilio-media-download.ts` then fetches
 * each media into the file store and swaps the attachment for the stored file.
 */
import type { AttachmentValue } from '@sdr/schema';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'application/pdf': 'pdf',
  'text/vcard': 'vcf',
};

/** At most this many media per message (Twilio sends up to 10). */
const MAX_MEDIA = 10;

export function twilioMediaAttachments(
  get: (name: string) => string | undefined,
): AttachmentValue[] {
  const n = Math.min(Number(get('NumMedia') ?? '0') || 0, MAX_MEDIA);
  const out: AttachmentValue[] = [];
  for (let i = 0; i < n; i++) {
    const url = get(`MediaUrl${i}`);
    if (!url || !/^https?:\/\//.test(url)) continue;
    const contentType = (get(`MediaContentType${i}`) ?? 'application/octet-stream').toLowerCase();
    const last =
      url
        .replace(/[?#].*$/, '')
        .split('/')
        .pop() || `media-${i + 1}`;
    const ext = EXTENSIONS[contentType];
    out.push({
      fileId: `twilio:${url}`,
      name: ext && !last.includes('.') ? `${last}.${ext}` : last,
      size: 0,
      contentType,
    });
  }
  return out;
}
