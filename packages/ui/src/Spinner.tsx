export type SpinnerProps = {
  size?: 'sm' | 'lg';
  /** Text announced to screen readers. */
  label?: string;
  /** When the surrounding element already says it is busy, hide the spinner from assistive tech. */
  decorative?: boolean;
};

export function Spinner({ size = 'sm', label = 'Loading', decorative = false }: SpinnerProps) {
  const className = size === 'lg' ? 'ui-spinner ui-spinner--lg' : 'ui-spinner';
  if (decorative) return <span className={className} aria-hidden="true" />;
  return <span className={className} role="status" aria-label={label} />;
}
