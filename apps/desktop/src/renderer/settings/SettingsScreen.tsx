import { PageHeader } from '@sdr/ui';
import { AboutSection } from './AboutSection.tsx';
import { AccountSection } from './AccountSection.tsx';
import { AppearanceSection } from './AppearanceSection.tsx';
import { InboxSection } from './inbox/InboxSection.tsx';
import { LeadsSection } from './leads/LeadsSection.tsx';
import { MembersSection } from './MembersSection.tsx';
import { NotificationsSection } from '../notifications/NotificationsSection.tsx';
import { SessionsSection } from './SessionsSection.tsx';

export function SettingsScreen() {
  return (
    <div className="page page--narrow">
      <PageHeader
        title="Settings"
        description="Your account, the devices signed in to it, your team, how leads and the inbox are worked and how the app looks."
      />
      <div className="settings">
        <AccountSection />
        <MembersSection />
        <LeadsSection />
        <InboxSection />
        <NotificationsSection />
        <SessionsSection />
        <AppearanceSection />
        <AboutSection />
      </div>
    </div>
  );
}
