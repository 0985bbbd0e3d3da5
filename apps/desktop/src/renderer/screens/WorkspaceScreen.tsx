import { useEffect, useState } from 'react';
import {
  AppShell,
  Avatar,
  Button,
  Icon,
  Kbd,
  NavItem,
  NavSection,
  useToast,
  WorkspaceSwitcher,
} from '@sdr/ui';
import { AREAS, areaById } from '../areas.ts';
import type { AreaId } from '../areas.ts';
import { errorMessage } from '../errors.ts';
import { ROLE_LABELS } from '../roles.ts';
import { useShortcuts } from '../hooks/useShortcuts.ts';
import type { ShortcutMap } from '../shortcuts.ts';
import { useAuth, useSignedIn } from '../stores/auth.ts';
import { useNav } from '../stores/nav.ts';
import { SettingsScreen } from '../settings/SettingsScreen.tsx';
import { ImportScreen, LeadsImportActions, useImportRoute } from '../import/index.ts';
import { InboxArea } from '../inbox/InboxArea.tsx';
import { LeadsArea } from '../leads/LeadsArea.tsx';
import { useLeadNotifications } from '../leads/useLeadNotifications.ts';
import { NotificationBell } from '../notifications/NotificationBell.tsx';
import { useInboxNotifications } from '../notifications/useInboxNotifications.ts';
import { QueueArea } from '../queue/QueueArea.tsx';
import { AreaPlaceholder } from './AreaPlaceholder.tsx';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { StatusBar } from './StatusBar.tsx';

type Action = AreaId | 'help';
const CONTENT_ID = 'content';

const SHORTCUTS: ShortcutMap<Action> = {
  goTo: Object.fromEntries(AREAS.map((area) => [area.key, area.id])),
  byDigit: AREAS.map((area) => area.id),
  help: 'help',
};

/** The signed-in app: sidebar, top bar, the current area and the status bar. */
export function WorkspaceScreen() {
  const { me } = useSignedIn();
  const area = useNav((store) => store.area);
  const importOpen = useImportRoute((store) => store.open);
  const go = useNav((store) => store.go);
  const switchWorkspace = useAuth((store) => store.switchWorkspace);
  const signOut = useAuth((store) => store.signOut);
  const toast = useToast();
  const [helpOpen, setHelpOpen] = useState(false);
  const current = areaById(area);
  useLeadNotifications();
  useInboxNotifications();

  useShortcuts(SHORTCUTS, (action) => {
    if (action === 'help') {
      setHelpOpen(true);
      return;
    }
    go(action);
    // Keyboard users land in the new area, and screen readers announce it.
    document.getElementById(CONTENT_ID)?.focus();
  });

  useEffect(() => {
    document.title = `${current.label} · ${me.workspace.name}`;
  }, [current.label, me.workspace.name]);

  async function onSwitch(workspaceId: string) {
    const result = await switchWorkspace(workspaceId);
    if (result.ok && result.data.status === 'signed-in')
      toast(`Switched to ${result.data.me.workspace.name}`, 'success');
    else if (!result.ok) toast(errorMessage(result.error), 'error');
  }

  async function onSignOut() {
    const result = await signOut();
    if (!result.ok) toast(errorMessage(result.error), 'error');
  }

  const sidebar = (
    <>
      <WorkspaceSwitcher
        workspaces={me.workspaces.map((workspace) => ({
          ...workspace,
          role: ROLE_LABELS[workspace.role],
        }))}
        currentId={me.workspace.id}
        onSwitch={(id) => void onSwitch(id)}
      />
      <NavSection heading="Workspace">
        {AREAS.map((entry) => (
          <NavItem
            key={entry.id}
            icon={entry.icon}
            label={entry.label}
            active={entry.id === area}
            shortcut={['g', entry.key]}
            onSelect={() => go(entry.id)}
          />
        ))}
      </NavSection>
      <div className="sidebar__spacer" />
      <div className="sidebar__account">
        <Avatar name={me.user.name} />
        <span className="sidebar__account-text">
          <span className="sidebar__account-name">{me.user.name}</span>
          <span className="sidebar__account-email">{me.user.email}</span>
        </span>
        <Button
          variant="ghost"
          size="sm"
          aria-label="Sign out"
          title="Sign out"
          onClick={() => void onSignOut()}
        >
          <Icon name="sign-out" />
        </Button>
      </div>
    </>
  );

  const topBar = (
    <>
      <span className="topbar__crumb">{me.workspace.name}</span>
      <span className="topbar__sep" aria-hidden="true">
        /
      </span>
      <span className="topbar__area">{current.label}</span>
      <span className="topbar__spacer" />
      {area === 'leads' ? <LeadsImportActions /> : null}
      <NotificationBell />
      <Button
        variant="ghost"
        size="sm"
        icon={<Icon name="keyboard" />}
        onClick={() => setHelpOpen(true)}
      >
        Shortcuts <Kbd>?</Kbd>
      </Button>
    </>
  );

  return (
    <AppShell sidebar={sidebar} topBar={topBar} statusBar={<StatusBar />} contentId={CONTENT_ID}>
      {area === 'leads' && importOpen ? (
        <ImportScreen />
      ) : area === 'settings' ? (
        <SettingsScreen />
      ) : area === 'leads' ? (
        <LeadsArea />
      ) : area === 'inbox' ? (
        <InboxArea />
      ) : area === 'queue' ? (
        <QueueArea />
      ) : (
        <AreaPlaceholder area={current} />
      )}
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </AppShell>
  );
}
