/** The product's mark: a small rising arrow in the accent colour. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg
      className="brand-mark"
      width={size}
      height={size}
      viewBox="0 0 32 32"
      aria-hidden="true"
      focusable="false"
    >
      <rect width="32" height="32" rx="8" fill="var(--ui-accent)" />
      <path
        d="M9 21.5 14.5 16l3.5 3.5L23.5 13M18.5 12.5h5v5"
        fill="none"
        stroke="var(--ui-accent-contrast)"
        strokeWidth="2.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
