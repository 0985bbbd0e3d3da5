/**
 * What the Inbox area shows (view, filters, search, the open conversation), kept outside the
 * components so leaving the area and coming back (or a notification click from another area)
 * lands on the same place. `openConversation` is how the queue and notifications open one.
 */
import { create } from 'zustand';
import type { ConversationDto, InboxView } from '../../shared/contract.ts';
import { useNav } from '../stores/nav.ts';

export type StatusFilter = 'active' | ConversationDto['status'];

type InboxStore = {
  view: InboxView;
  status: StatusFilter;
  channel: ConversationDto['channel'] | '';
  priority: ConversationDto['priority'] | '';
  label: string;
  q: string;
  selectedId: string | null;
  /** Bumped to ask the composer to take focus (the `r` shortcut, a queue item opened). */
  focusComposer: number;
  set: (
    patch: Partial<Pick<InboxStore, 'view' | 'status' | 'channel' | 'priority' | 'label' | 'q'>>,
  ) => void;
  select: (id: string | null) => void;
  /** Opens a conversation in the Inbox area from anywhere. */
  openConversation: (id: string, opts?: { reply?: boolean }) => void;
  reply: () => void;
};

export const useInbox = create<InboxStore>((set) => ({
  view: 'mine',
  status: 'active',
  channel: '',
  priority: '',
  label: '',
  q: '',
  selectedId: null,
  focusComposer: 0,
  set: (patch) => set(patch),
  select: (id) => set({ selectedId: id }),
  openConversation: (id, opts) => {
    // Show it whatever the filters were: every conversation I may see, any status.
    set((s) => ({
      selectedId: id,
      view: 'all',
      status: 'active',
      channel: '',
      priority: '',
      label: '',
      q: '',
      focusComposer: opts?.reply ? s.focusComposer + 1 : s.focusComposer,
    }));
    useNav.getState().go('inbox');
  },
  reply: () => set((s) => ({ focusComposer: s.focusComposer + 1 })),
}));
