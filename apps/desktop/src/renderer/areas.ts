import type { IconName } from '@sdr/ui';

export const AREA_IDS = ['leads', 'inbox', 'queue', 'campaigns', 'analytics', 'settings'] as const;
export type AreaId = (typeof AREA_IDS)[number];

export type Area = {
  id: AreaId;
  label: string;
  icon: IconName;
  /** Second key of the `g <key>` shortcut. */
  key: string;
  /** One line under the page title. */
  summary: string;
  /** The honest empty state of an area that is not built yet. */
  empty?: { title: string; text: string };
};

export const AREAS: readonly Area[] = [
  {
    id: 'leads',
    label: 'Leads',
    icon: 'leads',
    key: 'l',
    summary: 'The people and companies your team is prospecting.',
  },
  {
    id: 'inbox',
    label: 'Inbox',
    icon: 'inbox',
    key: 'i',
    summary: 'Replies from prospects, threaded per lead.',
  },
  {
    id: 'queue',
    label: 'Queue',
    icon: 'queue',
    key: 'q',
    summary: 'Your next calls, emails and follow-ups, in priority order.',
  },
  {
    id: 'campaigns',
    label: 'Campaigns',
    icon: 'campaigns',
    key: 'c',
    summary: 'Multi-step outreach sequences.',
    empty: {
      title: 'No campaigns yet',
      text: 'Sequences of emails, calls and messages will be built and tracked here. Campaigns are not built yet.',
    },
  },
  {
    id: 'analytics',
    label: 'Analytics',
    icon: 'analytics',
    key: 'a',
    summary: 'Reply rates, meetings booked and team activity.',
    empty: {
      title: 'Nothing to measure yet',
      text: 'Charts of outreach and replies will appear here once there is activity to count. Analytics are not built yet.',
    },
  },
  {
    id: 'settings',
    label: 'Settings',
    icon: 'settings',
    key: 's',
    summary: 'Your account, devices, team and appearance.',
  },
];

export function isAreaId(value: string): value is AreaId {
  return (AREA_IDS as readonly string[]).includes(value);
}

export function areaById(id: AreaId): Area {
  const area = AREAS.find((candidate) => candidate.id === id);
  if (!area) throw new Error(`Unknown area ${id}`);
  return area;
}
