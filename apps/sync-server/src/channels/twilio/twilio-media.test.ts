/** Inbound Twilio media → attachment metadata with a `twilio:` fileId (not in the file store). */
import { describe, expect, it } from 'vitest';
import { isStoredFileId } from '../../files/files.service.ts';
import { twilioMediaAttachments } from './twilio-media.ts';

describe('twilioMediaAttachments', () => {
  it('reads NumMedia / MediaUrl{i} / MediaContentType{i}', () => {
    const p: Record<string, string> = {
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2.pdf',
      MediaContentType1: 'application/pdf',
    };
    const list = twilioMediaAttachments((n) => p[n]);
    expect(list).toEqual([
      {
        fileId: `twilio:${p['MediaUrl0']}`,
        name: 'ME1.jpg',
        size: 0,
        contentType: 'image/jpeg',
      },
      {
        fileId: `twilio:${p['MediaUrl1']}`,
        name: 'ME2.pdf',
        size: 0,
        contentType: 'application/pdf',
      },
    ]);
    expect(list.some((a) => isStoredFileId(a.fileId))).toBe(false);
  });

  it('no media, bad URLs and absurd counts', () => {
    expect(twilioMediaAttachments(() => undefined)).toEqual([]);
    const p: Record<string, string> = { NumMedia: '999', MediaUrl0: 'javascript:alert(1)' };
    expect(twilioMediaAttachments((n) => p[n])).toEqual([]);
  });
});
