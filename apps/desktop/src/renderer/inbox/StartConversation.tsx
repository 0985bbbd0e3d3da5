/**
 * "SMS", "WhatsApp" and "Email" buttons in the lead detail: start (or, for SMS/WhatsApp on the
 * same numbers, reopen) a conversation with the lead through the server
 * (`inbox:startConversation`, online only) and open it in the Inbox with the composer focused.
 * A button is enabled when the lead has the address (phone / email) and the workspace has the
 * channel: a Twilio number, a mailbox of mine (`inbox:channels`, cached by the engine), and the
 * lead itself has reached the server (not `pending`). With several numbers or mailboxes a "From"
 * picker chooses ours (the server checks it is the workspace's / mine).
 */
import { useEffect, useState } from 'react';
import { Button, useToast } from '@sdr/ui';
import type { InboxChannelsDto, StartableChannel } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { FromSelect } from './FromSelect.tsx';
import { errorMessage } from '../errors.ts';
import { useSyncStatus } from '../hooks/useSyncStatus.ts';
import { useInbox } from './store.ts';
import './inbox.css';

const BUTTONS: { channel: StartableChannel; label: string; address: 'phone' | 'email' }[] = [
  { channel: 'sms', label: 'SMS', address: 'phone' },
  { channel: 'whatsapp', label: 'WhatsApp', address: 'phone' },
  { channel: 'email', label: 'Email', address: 'email' },
];

/** Why a channel's button is disabled (null: enabled). */
export function startBlocker(
  channel: StartableChannel,
  lead: { phone: string; email: string; pending: boolean },
  channels: InboxChannelsDto | null,
  online: boolean,
): string | null {
  const byPhone = channel !== 'email';
  if (lead.pending) return 'The lead is waiting to sync: the server does not know it yet';
  if (byPhone && !lead.phone.trim()) return 'The lead has no phone number';
  if (!byPhone && !lead.email.trim()) return 'The lead has no email address';
  if (channels === null) return 'Checking the channels…';
  if (channels[channel].length === 0) {
    return byPhone
      ? 'The workspace has no Twilio number (an admin connects Twilio)'
      : 'You have no mailbox connected';
  }
  if (!online) return 'Starting a conversation needs the server: the app is offline';
  return null;
}

export function StartConversation({
  lead,
}: {
  lead: { id: string; phone: string; email: string; pending: boolean };
}) {
  const toast = useToast();
  const sync = useSyncStatus();
  const online = sync?.connection === 'online';
  const [channels, setChannels] = useState<InboxChannelsDto | null>(null);
  const [busy, setBusy] = useState<StartableChannel | null>(null);
  const [number, setNumber] = useState<string | null>(null);
  const [mailbox, setMailbox] = useState<string | null>(null);
  // Numbers once each (a WhatsApp sender is a number too); mailboxes as they are.
  const numbers = [...new Set((channels?.whatsapp ?? []).map((n) => n.replace(/^whatsapp:/, '')))];
  const mailboxes = channels?.email ?? [];
  const pickedNumber = number ?? numbers[0] ?? null;
  const pickedMailbox = mailbox ?? mailboxes[0] ?? null;

  /** The chosen "from" for a channel (absent: the server's default). */
  function fromFor(channel: StartableChannel): string | undefined {
    if (channel === 'email') return mailboxes.length > 1 ? (pickedMailbox ?? undefined) : undefined;
    if (numbers.length <= 1 || !pickedNumber) return undefined;
    if (channel === 'whatsapp') return `whatsapp:${pickedNumber}`;
    return channels?.sms.includes(pickedNumber) ? pickedNumber : undefined;
  }

  useEffect(() => {
    let current = true;
    void engine.invoke('inbox:channels', {}).then((r) => {
      if (current && r.ok) setChannels(r.data);
    });
    return () => {
      current = false;
    };
  }, [online]);

  async function start(channel: StartableChannel) {
    setBusy(channel);
    const from = fromFor(channel);
    const r = await engine.invoke('inbox:startConversation', {
      leadId: lead.id,
      channel,
      ...(from ? { from } : {}),
    });
    setBusy(null);
    if (!r.ok) {
      toast(errorMessage(r.error), 'error');
      return;
    }
    useInbox.getState().openConversation(r.data.id, { reply: true });
  }

  return (
    <div className="lead-detail__start" role="group" aria-label="Start a conversation">
      {BUTTONS.map((b) => {
        const blocker = startBlocker(b.channel, lead, channels, online);
        return (
          <Button
            key={b.channel}
            size="sm"
            disabled={blocker !== null || busy !== null}
            loading={busy === b.channel}
            title={blocker ?? `Start a ${b.label} conversation with this lead`}
            onClick={() => void start(b.channel)}
          >
            {b.label}
          </Button>
        );
      })}
      <FromSelect
        label="Text from number"
        choices={numbers}
        value={pickedNumber}
        onChange={setNumber}
      />
      <FromSelect
        label="Email from mailbox"
        choices={mailboxes}
        value={pickedMailbox}
        onChange={setMailbox}
      />
    </div>
  );
}
