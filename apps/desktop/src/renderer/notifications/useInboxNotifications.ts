/**
 * Notices of the inbox in every area:
 * - `notifications:new` (a new notification for me arrived live, weighed by the engine against my
 *   preferences): when it should reach the desktop and the engine did not show it itself
 *   (Electron did), the Web Notifications API shows it (the web shell); without permission an
 *   in-app toast says it instead. A click opens the conversation. `sound` plays a short tone.
 * - `notifications:open` (Electron: an OS notification was clicked) opens what it is about.
 * - `inbox:commandFailed`: the server refused something I did (a claim, a message); say why.
 */
import { useEffect } from 'react';
import { useToast } from '@sdr/ui';
import { engine } from '../engine.ts';
import { createLogger } from '../logger.ts';
import { openNotification } from './NotificationBell.tsx';

const log = createLogger('notifications');

const COMMAND_LABELS: Record<string, string> = {
  send: 'Message not sent',
  claim: 'Claim refused',
  claimNext: 'Could not take the next item',
  assign: 'Not reassigned',
  update: 'Conversation not changed',
  saveSettings: 'Inbox settings not saved',
  setPrefs: 'Notification settings not saved',
};

function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.05;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.15);
    osc.onended = () => void ctx.close();
  } catch {
    // No audio device: silence is fine.
  }
}

/** Whether the page may show desktop notifications (asks once when the browser allows it). */
export async function askNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}

export function useInboxNotifications(): void {
  const toast = useToast();
  useEffect(() => {
    const offNew = engine.on('notifications:new', ({ notification: n, os, sound, shown }) => {
      if (sound) beep();
      if (!os || shown) return;
      const canShow = typeof Notification !== 'undefined' && Notification.permission === 'granted';
      if (canShow) {
        try {
          const shownNote = new Notification(n.title, { body: n.body, tag: n.id });
          shownNote.onclick = () => {
            window.focus();
            openNotification(n);
            shownNote.close();
          };
          return;
        } catch (err) {
          log.warn('desktop notification failed', { error: String(err) });
        }
      }
      toast(`${n.title}: ${n.body}`, 'info');
    });
    const offOpen = engine.on('notifications:open', (target) =>
      openNotification({ conversationId: target.conversationId, queueItemId: target.queueItemId }),
    );
    const offFailed = engine.on('inbox:commandFailed', (f) => {
      toast(`${COMMAND_LABELS[f.kind] ?? 'The server refused a change'}: ${f.message}`, 'error');
    });
    return () => {
      offNew();
      offOpen();
      offFailed();
    };
  }, [toast]);
}
