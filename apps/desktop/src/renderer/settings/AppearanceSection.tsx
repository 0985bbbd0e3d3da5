import { Card, Icon, SegmentedControl, useToast } from '@sdr/ui';
import type { Theme } from '../../shared/contract.ts';
import { errorMessage } from '../errors.ts';
import { useTheme } from '../stores/theme.ts';

const OPTIONS = [
  { value: 'light', label: 'Light', icon: <Icon name="sun" /> },
  { value: 'dark', label: 'Dark', icon: <Icon name="moon" /> },
  { value: 'system', label: 'System', icon: <Icon name="monitor" /> },
] as const satisfies readonly { value: Theme; label: string; icon: unknown }[];

export function AppearanceSection() {
  const theme = useTheme((store) => store.theme);
  const choose = useTheme((store) => store.choose);
  const toast = useToast();

  async function onChange(next: Theme) {
    const result = await choose(next);
    if (!result.ok) toast(errorMessage(result.error), 'error');
  }

  return (
    <Card
      title="Appearance"
      description="System follows your operating system's light or dark setting."
    >
      <SegmentedControl
        label="Theme"
        options={OPTIONS}
        value={theme}
        onChange={(next) => void onChange(next)}
      />
    </Card>
  );
}
