/**
 * A message's attachments in the thread: name, size and a download. "Download" asks the engine
 * (`inbox:attachment`), which fetches the file from the server into its file store (online; a
 * file waiting to be sent is already there) and answers where the web shell serves it
 * (`/files/<id>`, `Content-Disposition: attachment`); the link is then followed as a download.
 * Files the server did not store (over 20 MB, or provider media still being fetched or that could
 * not be fetched, with why) are listed without a download.
 */
import { useState } from 'react';
import { Button } from '@sdr/ui';
import type { AttachmentDto } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { attachmentNote } from './model.ts';

function sizeLabel(n: number): string {
  if (n <= 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function Attachments({
  items,
  onError,
}: {
  items: readonly AttachmentDto[];
  onError: (message: string) => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  if (items.length === 0) return null;

  async function download(a: AttachmentDto) {
    setBusy(a.fileId);
    const r = await engine.invoke('inbox:attachment', { fileId: a.fileId });
    setBusy(null);
    if (!r.ok) {
      onError(errorMessage(r.error));
      return;
    }
    const link = document.createElement('a');
    link.href = r.data.url;
    link.download = a.name;
    document.body.append(link);
    link.click();
    link.remove();
  }

  return (
    <ul className="msg__files" aria-label="Attachments">
      {items.map((a) => {
        const note = attachmentNote(a);
        return (
          <li key={a.fileId} className="msg__file">
            <span className="msg__file-name">{a.name}</span>{' '}
            <span className="msg__file-size">{sizeLabel(a.size)}</span>{' '}
            {note ? (
              <span
                className={note.error ? 'msg__file-note msg__file-note--error' : 'msg__file-note'}
                title={note.text}
              >
                {note.text}
              </span>
            ) : (
              <Button
                size="sm"
                variant="ghost"
                loading={busy === a.fileId}
                aria-label={`Download ${a.name}`}
                onClick={() => void download(a)}
              >
                Download
              </Button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
