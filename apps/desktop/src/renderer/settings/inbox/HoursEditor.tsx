/**
 * Business hours (`BusinessHours` of @sdr/schema): the workspace time zone (an IANA picker that
 * searches as you type), open intervals per weekday (several a day, e.g. a lunch break) and
 * holidays. SLA timers that count business hours only use these.
 */
import { useId, useMemo, useState } from 'react';
import { Alert, Button, Icon, TagInput, TextField } from '@sdr/ui';
import { WEEKDAYS, type InboxSettings } from '@sdr/schema';
import { issueAt, issuesUnder, removeAt, replaceAt, type Issues } from '../leads/draft.ts';
import { searchTimeZones, timeZones } from './inbox-draft.ts';

type Hours = InboxSettings['businessHours'];

const DAY_LABELS: Record<(typeof WEEKDAYS)[number], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export function HoursEditor({
  value,
  onChange,
  issues,
  readOnly,
}: {
  value: Hours;
  onChange: (next: Hours) => void;
  issues: Issues;
  readOnly: boolean;
}) {
  const listId = useId();
  const zones = useMemo(() => timeZones(), []);
  const [zoneText, setZoneText] = useState(value.timeZone);
  const [shownZone, setShownZone] = useState(value.timeZone);
  // Discarded or saved elsewhere: show the zone the settings have (adjusted while rendering).
  if (shownZone !== value.timeZone) {
    setShownZone(value.timeZone);
    if (zoneText.trim() !== value.timeZone) setZoneText(value.timeZone);
  }
  const shown = useMemo(() => searchTimeZones(zones, zoneText), [zones, zoneText]);
  const banner = issuesUnder(
    issues,
    'businessHours',
    Object.keys(issues).filter(
      (p) =>
        p.startsWith('businessHours.weekly.') ||
        p.startsWith('businessHours.holidays') ||
        p === 'businessHours.timeZone',
    ),
  );
  return (
    <div className="lead-settings__part">
      {banner.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      <TextField
        label="Workspace time zone"
        hint="Type to search, e.g. Berlin or America/"
        list={listId}
        value={zoneText}
        disabled={readOnly}
        error={issueAt(issues, 'businessHours.timeZone')}
        onChange={(e) => {
          setZoneText(e.target.value);
          onChange({ ...value, timeZone: e.target.value.trim() });
        }}
      />
      <datalist id={listId}>
        {shown.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <ul className="lead-settings__list" aria-label="Opening hours">
        {WEEKDAYS.map((day) => {
          const intervals = value.weekly[day];
          const setDay = (next: typeof intervals) =>
            onChange({ ...value, weekly: { ...value.weekly, [day]: next } });
          return (
            <li key={day} className="inbox-settings__day" role="group" aria-label={DAY_LABELS[day]}>
              <span className="inbox-settings__day-name">{DAY_LABELS[day]}</span>
              <div className="inbox-settings__intervals">
                {intervals.length === 0 ? (
                  <span className="lead-settings__muted">Closed</span>
                ) : null}
                {intervals.map((iv, i) => {
                  const path = `businessHours.weekly.${day}.${i}`;
                  return (
                    <div key={i} className="inbox-settings__interval">
                      <TextField
                        label={`${DAY_LABELS[day]} from`}
                        type="time"
                        value={iv.start}
                        disabled={readOnly}
                        error={issueAt(issues, `${path}.start`) ?? issueAt(issues, path)}
                        onChange={(e) =>
                          setDay(replaceAt(intervals, i, { ...iv, start: e.target.value }))
                        }
                      />
                      <TextField
                        label="to"
                        type="time"
                        value={iv.end === '24:00' ? '23:59' : iv.end}
                        disabled={readOnly}
                        error={issueAt(issues, `${path}.end`)}
                        onChange={(e) =>
                          setDay(replaceAt(intervals, i, { ...iv, end: e.target.value }))
                        }
                      />
                      {readOnly ? null : (
                        <Button
                          variant="ghost"
                          size="sm"
                          aria-label={`Remove ${DAY_LABELS[day]} interval ${i + 1}`}
                          onClick={() => setDay(removeAt(intervals, i))}
                        >
                          <Icon name="trash" size={14} />
                        </Button>
                      )}
                    </div>
                  );
                })}
              </div>
              {readOnly ? null : (
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Add hours on ${DAY_LABELS[day]}`}
                  icon={<Icon name="plus" size={14} />}
                  onClick={() => {
                    const last = intervals.at(-1);
                    setDay([
                      ...intervals,
                      last
                        ? { start: last.end === '24:00' ? '23:00' : last.end, end: '24:00' }
                        : { start: '09:00', end: '17:00' },
                    ]);
                  }}
                >
                  Hours
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      <p className="lead-settings__muted">Holidays are whole days off in that time zone.</p>
      <TagInput
        label="Holidays"
        values={value.holidays}
        disabled={readOnly}
        placeholder="YYYY-MM-DD, e.g. 2026-12-25"
        error={issuesUnder(issues, 'businessHours.holidays', [])[0]}
        onChange={(holidays) => onChange({ ...value, holidays: [...new Set(holidays)].sort() })}
      />
    </div>
  );
}
