import { EmptyState, PageHeader } from '@sdr/ui';
import type { Area } from '../areas.ts';

/** An area that is not built yet: its title and an honest empty state. No sample data. */
export function AreaPlaceholder({ area }: { area: Area }) {
  return (
    <div className="page">
      <PageHeader title={area.label} description={area.summary} />
      {area.empty ? (
        <EmptyState icon={area.icon} title={area.empty.title} text={area.empty.text} />
      ) : null}
    </div>
  );
}
