/** The "send from" choice (a Twilio number or a mailbox), shown only when there is a choice. */
export function FromSelect({
  label,
  choices,
  value,
  onChange,
}: {
  label: string;
  choices: readonly string[];
  value: string | null | undefined;
  onChange: (choice: string) => void;
}) {
  if (choices.length < 2) return null;
  return (
    <select
      className="ui-input composer__pick"
      aria-label={label}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value)}
    >
      {choices.map((c) => (
        <option key={c} value={c}>
          {c.replace(/^whatsapp:/, '')}
        </option>
      ))}
    </select>
  );
}
