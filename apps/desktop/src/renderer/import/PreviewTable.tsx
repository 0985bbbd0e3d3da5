import type { ImportPreview } from '../../shared/contract.ts';
import { cellIssues, previewCounts } from './model.ts';

/**
 * The first rows as the import would read them, with each problem on its cell: red for a value
 * that refuses the row, amber for a warning. The last column says what happens to the row.
 */
export function PreviewTable({
  preview,
  mapping,
  stale,
}: {
  preview: ImportPreview;
  mapping: Record<string, string>;
  /** A newer mapping is being checked: the problems shown may be out of date. */
  stale: boolean;
}) {
  const labels = new Map(preview.targets.map((t) => [t.value, t.label]));
  const counts = previewCounts(preview.rows);
  return (
    <div className={stale ? 'import-preview import-preview--stale' : 'import-preview'}>
      <p className="import-muted" aria-live="polite">
        The first {preview.rows.length} {preview.rows.length === 1 ? 'row' : 'rows'}:{' '}
        {counts.ok - counts.warned} ready
        {counts.warned > 0 ? `, ${counts.warned} with warnings` : ''}
        {counts.refused > 0 ? `, ${counts.refused} refused` : ''}.
        {stale ? ' Checking the new mapping…' : ''}
      </p>
      <div className="import-scroll">
        <table className="ui-table import-table">
          <caption className="ui-visually-hidden">Preview of the first rows</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Result</th>
              {preview.headers.map((header) => {
                const target = mapping[header] ?? 'ignore';
                return (
                  <th scope="col" key={header}>
                    <span className="import-table__header">{header}</span>
                    <span className="import-table__target">
                      {target === 'ignore' ? 'not imported' : `→ ${labels.get(target) ?? target}`}
                    </span>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row) => {
              const issues = cellIssues(row, preview.headers);
              const messages = [...issues.entries()].flatMap(([index, issue]) =>
                issue.messages.map((message) =>
                  index === -1 ? message : `${preview.headers[index]}: ${message}`,
                ),
              );
              return (
                <tr key={row.rowNumber} className={row.ok ? undefined : 'import-table__refused'}>
                  <th scope="row" className="import-table__row">
                    {row.rowNumber}
                  </th>
                  <td
                    className={
                      !row.ok
                        ? 'import-result import-result--error'
                        : messages.length > 0
                          ? 'import-result import-result--warning'
                          : 'import-result'
                    }
                  >
                    <strong>
                      {row.ok
                        ? messages.length > 0
                          ? 'Imported, with warnings'
                          : 'Ready'
                        : 'Refused'}
                    </strong>
                    {messages.length > 0 ? (
                      <ul className="import-result__list">
                        {messages.map((message) => (
                          <li key={message}>{message}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  {preview.headers.map((header, index) => {
                    const issue = issues.get(index);
                    const value = row.cells[index] ?? '';
                    const ignored = (mapping[header] ?? 'ignore') === 'ignore';
                    const classes = ['import-cell'];
                    if (issue) classes.push(`import-cell--${issue.kind}`);
                    if (ignored) classes.push('import-cell--ignored');
                    return (
                      <td
                        key={header}
                        className={classes.join(' ')}
                        title={issue ? issue.messages.join('\n') : undefined}
                      >
                        {value}
                        {issue ? (
                          <span className="ui-visually-hidden">
                            {' '}
                            ({issue.kind === 'error' ? 'problem' : 'warning'}:{' '}
                            {issue.messages.join('; ')})
                          </span>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
