/** A grey placeholder bar shown while content loads; hidden from assistive technology. */
export function Skeleton({
  width = '100%',
  height = 12,
}: {
  width?: number | string;
  height?: number;
}) {
  return <span className="ui-skeleton" style={{ width, height }} aria-hidden="true" />;
}
