/**
 * Settings → Notifications: per category (reply, assignment, SLA, mention, task) whether it
 * lands in the notification centre, shows on the desktop and plays a sound; quiet hours (in my
 * time zone) and do-not-disturb for a while. Stored on the server for me, so my other devices
 * follow (`notifications:setPrefs`: applied here at once, sent through the engine's outbox, offline
 * too; a change from another device arrives as `notifications:prefsChanged`); `shouldNotify` in
 * @sdr/domain applies them. In a browser tab the
 * page also needs the browser's permission for desktop notifications.
 */
import { useEffect, useState } from 'react';
import { Button, Card, Checkbox, useToast } from '@sdr/ui';
import type { NotificationPrefs } from '@sdr/schema';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { useNow } from '../inbox/hooks.ts';
import { askNotificationPermission } from './useInboxNotifications.ts';
import '../inbox/inbox.css';

const CATEGORIES: { key: keyof NotificationPrefs['categories']; label: string }[] = [
  { key: 'reply', label: 'A lead replies on my conversation' },
  { key: 'assignment', label: 'A conversation is assigned to me' },
  { key: 'sla', label: 'An SLA is about to breach' },
  { key: 'mention', label: 'Someone mentions me in a note' },
  { key: 'task', label: 'A task is due' },
];

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function NotificationsSection() {
  const toast = useToast();
  const [prefs, setPrefs] = useState<NotificationPrefs | null>(null);
  const now = useNow(30_000);
  const [permission, setPermission] = useState(
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );

  useEffect(() => {
    let current = true;
    void engine.invoke('notifications:getPrefs', {}).then((r) => {
      if (current && r.ok) setPrefs(r.data);
    });
    const off = engine.on('notifications:prefsChanged', (next) => setPrefs(next));
    return () => {
      current = false;
      off();
    };
  }, []);

  async function save(next: NotificationPrefs) {
    setPrefs(next);
    const r = await engine.invoke('notifications:setPrefs', next);
    if (!r.ok) toast(errorMessage(r.error), 'error');
  }

  if (!prefs) return null;
  const dnd = prefs.doNotDisturbUntil !== null && prefs.doNotDisturbUntil > now;

  return (
    <Card
      title="Notifications"
      description="What reaches you, and when. Everything stays in the bell's list; quiet hours and do-not-disturb only silence desktop notifications and sounds."
    >
      <table className="notif-prefs">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">In the app</th>
            <th scope="col">Desktop</th>
            <th scope="col">Sound</th>
          </tr>
        </thead>
        <tbody>
          {CATEGORIES.map(({ key, label }) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              {(['inApp', 'os', 'sound'] as const).map((ch) => (
                <td key={ch}>
                  <Checkbox
                    hideLabel
                    label={`${label}: ${ch === 'inApp' ? 'in the app' : ch === 'os' ? 'desktop' : 'sound'}`}
                    checked={prefs.categories[key][ch]}
                    onChange={(e) =>
                      void save({
                        ...prefs,
                        categories: {
                          ...prefs.categories,
                          [key]: { ...prefs.categories[key], [ch]: e.target.checked },
                        },
                      })
                    }
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>

      <div className="notif-prefs__row">
        <Checkbox
          label="Quiet hours"
          checked={prefs.quietHours !== null}
          onChange={(e) =>
            void save({
              ...prefs,
              quietHours: e.target.checked
                ? { start: '19:00', end: '08:00', timeZone: localZone() }
                : null,
            })
          }
        />
        {prefs.quietHours ? (
          <>
            <label>
              From{' '}
              <input
                className="ui-input"
                type="time"
                aria-label="Quiet from"
                value={prefs.quietHours.start}
                onChange={(e) =>
                  e.target.value &&
                  void save({
                    ...prefs,
                    quietHours: { ...prefs.quietHours!, start: e.target.value },
                  })
                }
              />
            </label>
            <label>
              to{' '}
              <input
                className="ui-input"
                type="time"
                aria-label="Quiet until"
                value={prefs.quietHours.end}
                onChange={(e) =>
                  e.target.value &&
                  void save({ ...prefs, quietHours: { ...prefs.quietHours!, end: e.target.value } })
                }
              />
            </label>
            <span className="notif-prefs__zone">{prefs.quietHours.timeZone}</span>
          </>
        ) : null}
      </div>

      <div className="notif-prefs__row">
        <span>Do not disturb{dnd ? ` until ${time.format(prefs.doNotDisturbUntil!)}` : ''}</span>
        {dnd ? (
          <Button size="sm" onClick={() => void save({ ...prefs, doNotDisturbUntil: null })}>
            Turn off
          </Button>
        ) : (
          <>
            <Button
              size="sm"
              onClick={() => void save({ ...prefs, doNotDisturbUntil: Date.now() + 3_600_000 })}
            >
              For 1 hour
            </Button>
            <Button
              size="sm"
              onClick={() => {
                const d = new Date();
                const tomorrow = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 8, 0);
                void save({ ...prefs, doNotDisturbUntil: tomorrow.getTime() });
              }}
            >
              Until tomorrow 08:00
            </Button>
          </>
        )}
      </div>

      {permission === 'default' || permission === 'denied' ? (
        <div className="notif-prefs__row">
          <span>
            {permission === 'denied'
              ? 'This browser blocks desktop notifications for the app; they show inside the app instead.'
              : 'Allow this browser to show desktop notifications.'}
          </span>
          {permission === 'default' ? (
            <Button
              size="sm"
              onClick={() => void askNotificationPermission().then((p) => setPermission(p))}
            >
              Allow
            </Button>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
