/**
 * The composer under a thread: a reply on the conversation's channel, an internal note (with
 * @mentions of members) or a call-log entry. Templates (the workspace's, from the inbox
 * settings) and personal snippets are inserted with their variables filled in
 * (`renderTemplate`: `{{lead.firstName}}`, `{{user.name}}`, …); variables typed by hand are
 * filled in when sending, and missing ones are named before that. "Send later" schedules it (the
 * server honours the time). Ctrl/Cmd+Enter sends. Sending works offline: the message waits in the
 * engine's outbox and shows as "Waiting to send".
 *
 * Attachments (replies and notes): "Attach" (file picker) or dropping files on the composer hands
 * each file to the engine (web shell `POST /files`, `import/upload.ts`), which keeps it in its
 * file store; the message names them and the engine uploads them to the server before sending
 * (offline: once back online). At most 10 files of 20 MB each.
 *
 * "From" (replies, when I have several): which of the workspace's Twilio numbers / my mailboxes
 * it goes out from (`sending-from.ts`; default: the one the conversation last sent from).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, Dialog, SegmentedControl, TextField } from '@sdr/ui';
import { TEMPLATE_VARIABLES, parseMentions, renderTemplate } from '@sdr/domain';
import type { MemberDto, ReplyTemplate } from '@sdr/schema';
import {
  MAX_ATTACHMENT_BYTES,
  type ConversationDto,
  type InboxChannelsDto,
  type Snippet,
  type ThreadLead,
} from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { uploadFile } from '../import/upload.ts';
import { useSignedIn } from '../stores/auth.ts';
import { FromSelect } from './FromSelect.tsx';
import { useNow } from './hooks.ts';
import { fromLocalInput, templateVars, toLocalInput } from './model.ts';
import { defaultFrom, fromChoices } from './sending-from.ts';
import { useInbox } from './store.ts';

type Mode = 'message' | 'note' | 'call';

/** A file picked for the message: being handed to the engine, or staged there (`localFileId`). */
interface Picked {
  key: string;
  name: string;
  size: number;
  contentType: string;
  localFileId: string | null;
  progress: number;
}

const MAX_FILES = 10;

function sizeLabel(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function Composer({
  conversation,
  lead,
  members,
  lastFrom = null,
  onError,
}: {
  conversation: ConversationDto;
  lead: ThreadLead | null;
  members: readonly MemberDto[];
  /** The address the conversation last sent from (the default "From"). */
  lastFrom?: string | null;
  onError: (message: string) => void;
}) {
  const { me } = useSignedIn();
  const focusComposer = useInbox((s) => s.focusComposer);
  const [mode, setMode] = useState<Mode>('message');
  const [body, setBody] = useState('');
  const [subject, setSubject] = useState('');
  const [later, setLater] = useState(false);
  const [sendAt, setSendAt] = useState('');
  const [callMinutes, setCallMinutes] = useState('');
  const [callOutcome, setCallOutcome] = useState('');
  const [templates, setTemplates] = useState<{ workspace: ReplyTemplate[]; personal: Snippet[] }>({
    workspace: [],
    personal: [],
  });
  const [snippetOpen, setSnippetOpen] = useState(false);
  const [snippetName, setSnippetName] = useState('');
  const [sending, setSending] = useState(false);
  const [files, setFiles] = useState<Picked[]>([]);
  const [dragging, setDragging] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const now = useNow(60_000);
  const [channels, setChannels] = useState<InboxChannelsDto | null>(null);
  const [from, setFrom] = useState<string | null>(null);
  const choices = fromChoices(channels, conversation.channel);
  const sendFrom = from ?? defaultFrom(choices, lastFrom, conversation.ourAddress);

  useEffect(() => {
    let current = true;
    void engine.invoke('inbox:channels', {}).then((r) => {
      if (current && r.ok) setChannels(r.data);
    });
    return () => {
      current = false;
    };
  }, [me.workspace.id]);

  useEffect(() => {
    let current = true;
    const load = () =>
      void engine.invoke('inbox:templates', {}).then((r) => {
        if (current && r.ok) setTemplates(r.data);
      });
    load();
    // A manager saved new templates (here or elsewhere, read by the engine).
    const off = engine.on('inbox:settingsChanged', load);
    return () => {
      current = false;
      off();
    };
  }, [me.workspace.id]);

  // `r` (or a queue item opened to reply): the reply box takes focus.
  useEffect(() => {
    if (focusComposer === 0) return;
    const t = window.setTimeout(() => {
      setMode('message');
      textRef.current?.focus();
    }, 0);
    return () => window.clearTimeout(t);
  }, [focusComposer]);

  const vars = useMemo(
    () => templateVars(lead, me.user, me.workspace.name),
    [lead, me.user, me.workspace.name],
  );
  const rendered = renderTemplate(body, vars);
  const mentions =
    mode === 'note'
      ? parseMentions(
          body,
          members.map((m) => ({ id: m.userId, name: m.name, email: m.email })),
        )
      : null;
  const offered = templates.workspace.filter(
    (t) => !t.channel || t.channel === conversation.channel,
  );

  function insert(text: string) {
    const el = textRef.current;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    const next = body.slice(0, start) + text + body.slice(end);
    setBody(next);
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  }

  function attach(list: FileList | null) {
    if (!list) return;
    const chosen = [...list];
    if (files.length + chosen.length > MAX_FILES) {
      onError(`At most ${MAX_FILES} files per message`);
      return;
    }
    for (const file of chosen) {
      if (file.size > MAX_ATTACHMENT_BYTES) {
        onError(`${file.name} is larger than 20 MB`);
        continue;
      }
      const key = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
      const picked: Picked = {
        key,
        name: file.name,
        size: file.size,
        contentType: file.type || 'application/octet-stream',
        localFileId: null,
        progress: 0,
      };
      setFiles((f) => [...f, picked]);
      const upload = uploadFile(file, (p) =>
        setFiles((f) =>
          f.map((x) => (x.key === key ? { ...x, progress: p.total ? p.loaded / p.total : 0 } : x)),
        ),
      );
      void upload.done.then((r) => {
        if (!r.ok) {
          onError(`${file.name}: ${errorMessage(r.error)}`);
          setFiles((f) => f.filter((x) => x.key !== key));
          return;
        }
        setFiles((f) =>
          f.map((x) => (x.key === key ? { ...x, localFileId: r.data.id, progress: 1 } : x)),
        );
      });
    }
  }

  async function send() {
    if (sending) return;
    if (files.some((f) => f.localFileId === null)) {
      onError('Wait until the files are attached');
      return;
    }
    const at = later ? fromLocalInput(sendAt) : null;
    if (later && (at === null || at <= Date.now())) {
      onError('Pick a time in the future to send it');
      return;
    }
    const minutes = Number(callMinutes);
    setSending(true);
    const r = await engine.invoke('inbox:send', {
      conversationId: conversation.id,
      kind: mode,
      body: mode === 'message' ? rendered.text : body,
      ...(mode === 'message' && conversation.channel === 'email' && subject.trim()
        ? { subject: subject.trim() }
        : {}),
      ...(mode === 'message' && at !== null ? { sendAt: at } : {}),
      ...(mode === 'message' && choices.length > 1 && sendFrom ? { from: sendFrom } : {}),
      ...(mentions && mentions.userIds.length > 0 ? { mentions: mentions.userIds } : {}),
      ...(mode === 'call' && callMinutes && Number.isFinite(minutes)
        ? { callDurationS: Math.round(minutes * 60) }
        : {}),
      ...(mode === 'call' && callOutcome.trim() ? { callOutcome: callOutcome.trim() } : {}),
      ...(mode !== 'call' && files.length > 0
        ? {
            attachments: files.map((f) => ({
              localFileId: f.localFileId!,
              contentType: f.contentType,
            })),
          }
        : {}),
    });
    setSending(false);
    if (!r.ok) {
      onError(errorMessage(r.error));
      return;
    }
    setBody('');
    setSubject('');
    setFiles([]);
    setLater(false);
    setSendAt('');
    setCallMinutes('');
    setCallOutcome('');
  }

  async function saveSnippet() {
    const name = snippetName.trim();
    if (!name || !body.trim()) return;
    const snippets = [...templates.personal, { id: `s${Date.now().toString(36)}`, name, body }];
    const r = await engine.invoke('inbox:saveSnippets', { snippets });
    if (r.ok) setTemplates((t) => ({ ...t, personal: r.data }));
    else onError(errorMessage(r.error));
    setSnippetOpen(false);
    setSnippetName('');
  }

  const label = mode === 'message' ? 'Reply' : mode === 'note' ? 'Internal note' : 'Call notes';
  const canSend = mode === 'call' || body.trim() !== '' || (files.length > 0 && mode === 'message');

  return (
    <form
      className={`composer composer--${mode}${dragging ? ' composer--drop' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if (mode === 'call' || !e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        if (mode === 'call') return;
        e.preventDefault();
        setDragging(false);
        attach(e.dataTransfer.files);
      }}
    >
      <div className="composer__bar">
        <SegmentedControl
          label="Compose"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'message', label: 'Reply' },
            { value: 'note', label: 'Note' },
            { value: 'call', label: 'Log call' },
          ]}
        />
        {mode !== 'call' ? (
          <>
            <select
              className="ui-input composer__pick"
              aria-label="Insert a template"
              value=""
              onChange={(e) => {
                const id = e.target.value;
                const t =
                  offered.find((x) => `w:${x.id}` === id) ??
                  templates.personal.find((x) => `p:${x.id}` === id);
                if (t) insert(renderTemplate(t.body, vars).text);
              }}
            >
              <option value="">Templates…</option>
              {offered.length > 0 ? (
                <optgroup label="Workspace">
                  {offered.map((t) => (
                    <option key={t.id} value={`w:${t.id}`}>
                      {t.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {templates.personal.length > 0 ? (
                <optgroup label="My snippets">
                  {templates.personal.map((t) => (
                    <option key={t.id} value={`p:${t.id}`}>
                      {t.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
            <select
              className="ui-input composer__pick"
              aria-label="Insert a variable"
              value=""
              onChange={(e) => e.target.value && insert(`{{${e.target.value}}}`)}
            >
              <option value="">Variables…</option>
              {TEMPLATE_VARIABLES.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </>
        ) : null}
      </div>
      {mode === 'message' && choices.length > 1 ? (
        <label className="composer__from">
          From{' '}
          <FromSelect label="Send from" choices={choices} value={sendFrom} onChange={setFrom} />
        </label>
      ) : null}
      {mode === 'message' && conversation.channel === 'email' ? (
        <TextField label="Subject" value={subject} onChange={(e) => setSubject(e.target.value)} />
      ) : null}
      <textarea
        ref={textRef}
        className="ui-input composer__text"
        aria-label={label}
        placeholder={
          mode === 'note'
            ? 'Only your team sees notes. Mention someone with @name.'
            : mode === 'call'
              ? 'What was said (optional)'
              : `Reply by ${conversation.channel === 'email' ? 'email' : conversation.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'}…  (Ctrl+Enter sends)`
        }
        rows={3}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {mode === 'message' && rendered.missing.length > 0 ? (
        <p className="composer__warn" role="status">
          No value for {rendered.missing.map((m) => `{{${m}}}`).join(', ')}: it will be left empty.
        </p>
      ) : null}
      {mentions && mentions.userIds.length > 0 ? (
        <p className="composer__hint">
          Mentions:{' '}
          {mentions.userIds
            .map((id) => members.find((m) => m.userId === id)?.name ?? id)
            .join(', ')}
        </p>
      ) : null}
      {mode !== 'call' && files.length > 0 ? (
        <ul className="composer__files" aria-label="Attachments">
          {files.map((f) => (
            <li key={f.key} className="composer__file">
              <span>{f.name}</span>{' '}
              <span className="composer__hint">
                {f.localFileId ? sizeLabel(f.size) : `${Math.round(f.progress * 100)} %`}
              </span>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove ${f.name}`}
                onClick={() => setFiles((list) => list.filter((x) => x.key !== f.key))}
              >
                ×
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {mode === 'call' ? (
        <div className="composer__call">
          <TextField
            label="Duration (minutes)"
            inputMode="decimal"
            value={callMinutes}
            onChange={(e) => setCallMinutes(e.target.value)}
          />
          <TextField
            label="Outcome"
            placeholder="Connected, voicemail, no answer…"
            value={callOutcome}
            onChange={(e) => setCallOutcome(e.target.value)}
          />
        </div>
      ) : null}
      <div className="composer__actions">
        {mode === 'message' ? (
          <label className="composer__later">
            <input type="checkbox" checked={later} onChange={(e) => setLater(e.target.checked)} />
            Send later
            {later ? (
              <input
                className="ui-input"
                type="datetime-local"
                aria-label="Send at"
                min={toLocalInput(now)}
                value={sendAt}
                onChange={(e) => setSendAt(e.target.value)}
              />
            ) : null}
          </label>
        ) : null}
        {mode !== 'call' ? (
          <>
            <input
              ref={fileRef}
              type="file"
              multiple
              hidden
              aria-label="Attach files"
              onChange={(e) => {
                attach(e.target.files);
                e.target.value = '';
              }}
            />
            <Button size="sm" variant="ghost" onClick={() => fileRef.current?.click()}>
              Attach
            </Button>
          </>
        ) : null}
        {mode !== 'call' ? (
          <Button
            size="sm"
            variant="ghost"
            disabled={!body.trim()}
            onClick={() => setSnippetOpen(true)}
          >
            Save as snippet
          </Button>
        ) : null}
        <span className="composer__spacer" />
        <Button type="submit" variant="primary" loading={sending} disabled={!canSend}>
          {mode === 'message'
            ? later
              ? 'Schedule'
              : 'Send'
            : mode === 'note'
              ? 'Add note'
              : 'Log call'}
        </Button>
      </div>
      <Dialog open={snippetOpen} title="Save as snippet" onClose={() => setSnippetOpen(false)}>
        <TextField
          label="Name"
          value={snippetName}
          onChange={(e) => setSnippetName(e.target.value)}
          autoFocus
        />
        <div className="composer__actions">
          <span className="composer__spacer" />
          <Button onClick={() => setSnippetOpen(false)}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!snippetName.trim()}
            onClick={() => void saveSnippet()}
          >
            Save
          </Button>
        </div>
      </Dialog>
    </form>
  );
}
