/**
 * The filter builder: a root group (match all / any) of conditions and groups, one level of
 * nesting. Each condition picks a field, an operator offered for the field's type, and a value
 * with an editor for that type. Problems show under the condition they belong to; the table only
 * gets the filter once it is valid (`toFilter` checks it with `checkFilter`).
 */
import { useId } from 'react';
import { OPERATORS_BY_TYPE } from '@sdr/domain';
import type { FilterOp } from '@sdr/domain';
import { Button, Checkbox, FieldError, Icon, TagInput } from '@sdr/ui';
import type { LeadFieldInfo } from '../../shared/contract.ts';
import {
  addItem,
  conditionCount,
  describeNode,
  emptyGroup,
  newCondition,
  OPERATOR_LABELS,
  updateItem,
  withField,
  withOp,
} from './filter-model.ts';
import type {
  BuildResult,
  ConditionDraft,
  DraftItem,
  DraftValue,
  GroupDraft,
  RelativeUnit,
} from './filter-model.ts';

export type FilterBuilderProps = {
  fields: readonly LeadFieldInfo[];
  draft: GroupDraft;
  onChange: (draft: GroupDraft) => void;
  result: BuildResult;
};

const FIRST_FIELDS = ['status', 'ownerId', 'email', 'company', 'tags', 'createdAt'];

export function FilterBuilder({ fields, draft, onChange, result }: FilterBuilderProps) {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const labels = new Map(fields.map((f) => [f.key, f.label]));
  const firstField = FIRST_FIELDS.map((k) => byKey.get(k)).find(Boolean) ?? fields[0];
  const count = conditionCount(draft);

  function add(groupId: string) {
    if (!firstField) return;
    onChange(addItem(draft, groupId, newCondition(firstField)));
  }

  function addGroup() {
    const group = emptyGroup(draft.combinator === 'and' ? 'or' : 'and');
    if (firstField) group.items.push(newCondition(firstField));
    onChange(addItem(draft, draft.id, group));
  }

  const change = (id: string, next: (item: DraftItem) => DraftItem | null) =>
    onChange(updateItem(draft, id, next));

  return (
    <section className="filter-builder" aria-label="Filter">
      <GroupBody
        group={draft}
        root
        fields={fields}
        byKey={byKey}
        labels={labels}
        result={result}
        onCombinator={(combinator) => onChange({ ...draft, combinator })}
        change={change}
        onAdd={add}
      />
      <div className="filter-builder__actions">
        <Button size="sm" icon={<Icon name="plus" size={14} />} onClick={() => add(draft.id)}>
          Add condition
        </Button>
        <Button size="sm" variant="ghost" icon={<Icon name="plus" size={14} />} onClick={addGroup}>
          Add group
        </Button>
        <span className="filter-builder__spacer" />
        <span className="filter-builder__status" role="status">
          {count === 0
            ? 'No conditions: showing every lead'
            : result.ok
              ? `${count} condition${count === 1 ? '' : 's'} applied`
              : 'Fix the marked conditions to apply the filter'}
        </span>
        {count > 0 ? (
          <Button size="sm" variant="ghost" onClick={() => onChange(emptyGroup())}>
            Clear filter
          </Button>
        ) : null}
      </div>
    </section>
  );
}

type GroupBodyProps = {
  group: GroupDraft;
  root: boolean;
  fields: readonly LeadFieldInfo[];
  byKey: Map<string, LeadFieldInfo>;
  labels: Map<string, string>;
  result: BuildResult;
  onCombinator: (combinator: 'and' | 'or') => void;
  change: (id: string, next: (item: DraftItem) => DraftItem | null) => void;
  onAdd: (groupId: string) => void;
};

function GroupBody({
  group,
  root,
  fields,
  byKey,
  labels,
  result,
  onCombinator,
  change,
  onAdd,
}: GroupBodyProps) {
  const id = useId();
  return (
    <div className={root ? 'filter-group filter-group--root' : 'filter-group'}>
      <div className="filter-group__head">
        <label htmlFor={id}>{root ? 'Show leads matching' : 'Match'}</label>
        <select
          id={id}
          className="ui-select ui-select--sm filter-group__combinator"
          value={group.combinator}
          onChange={(event) => onCombinator(event.target.value === 'or' ? 'or' : 'and')}
        >
          <option value="and">all of</option>
          <option value="or">any of</option>
        </select>
        <span>{root ? 'these conditions' : 'these'}</span>
        {!root ? (
          <>
            <span className="filter-builder__spacer" />
            <Button size="sm" variant="ghost" onClick={() => onAdd(group.id)}>
              Add to group
            </Button>
            <Button
              size="sm"
              variant="ghost"
              aria-label="Remove group"
              onClick={() => change(group.id, () => null)}
            >
              <Icon name="trash" size={14} />
            </Button>
          </>
        ) : null}
      </div>
      <ol className="filter-group__items">
        {group.items.map((item, index) => (
          <li key={item.id}>
            {index > 0 ? (
              <span className="filter-group__joiner" aria-hidden="true">
                {group.combinator === 'and' ? 'and' : 'or'}
              </span>
            ) : null}
            {item.kind === 'group' ? (
              <GroupBody
                group={item}
                root={false}
                fields={fields}
                byKey={byKey}
                labels={labels}
                result={result}
                onCombinator={(combinator) =>
                  change(item.id, (g) => ({ ...(g as GroupDraft), combinator }))
                }
                change={change}
                onAdd={onAdd}
              />
            ) : item.kind === 'raw' ? (
              <div className="filter-condition filter-condition--raw">
                <span>
                  <strong>Advanced condition:</strong> {describeNode(item.node, labels)}
                </span>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label="Remove condition"
                  onClick={() => change(item.id, () => null)}
                >
                  <Icon name="x" size={14} />
                </Button>
              </div>
            ) : (
              <ConditionRow
                condition={item}
                number={index + 1}
                fields={fields}
                field={byKey.get(item.field)}
                error={result.errors[item.id]}
                warning={result.warnings[item.id]}
                onChange={(next) => change(item.id, () => next)}
                onRemove={() => change(item.id, () => null)}
              />
            )}
          </li>
        ))}
      </ol>
      {result.errors[group.id] ? (
        <FieldError id={`${id}-error`} message={result.errors[group.id]} />
      ) : null}
    </div>
  );
}

type ConditionRowProps = {
  condition: ConditionDraft;
  number: number;
  fields: readonly LeadFieldInfo[];
  field: LeadFieldInfo | undefined;
  error: string | undefined;
  warning: string | undefined;
  onChange: (next: ConditionDraft) => void;
  onRemove: () => void;
};

function ConditionRow({
  condition,
  number,
  fields,
  field,
  error,
  warning,
  onChange,
  onRemove,
}: ConditionRowProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const ops: readonly FilterOp[] = field ? OPERATORS_BY_TYPE[field.type] : [condition.op];
  const message = error ?? warning;
  return (
    <div
      className={error ? 'filter-condition filter-condition--invalid' : 'filter-condition'}
      role="group"
      aria-label={`Condition ${number}`}
    >
      <select
        aria-label="Field"
        className="ui-select ui-select--sm filter-condition__field"
        value={condition.field}
        onChange={(event) => {
          const next = fields.find((f) => f.key === event.target.value);
          if (next) onChange(withField(condition, next));
        }}
      >
        {field ? null : <option value={condition.field}>{condition.field} (removed)</option>}
        {fields.map((f) => (
          <option key={f.key} value={f.key}>
            {f.label}
          </option>
        ))}
      </select>
      <select
        aria-label="Operator"
        className="ui-select ui-select--sm filter-condition__op"
        value={condition.op}
        onChange={(event) => {
          if (field) onChange(withOp(condition, field.type, event.target.value as FilterOp));
        }}
      >
        {ops.map((op) => (
          <option key={op} value={op}>
            {OPERATOR_LABELS[op]}
          </option>
        ))}
      </select>
      {field ? (
        <ValueEditor
          field={field}
          value={condition.value}
          describedBy={message ? errorId : undefined}
          invalid={!!error}
          onChange={(value) => onChange({ ...condition, value })}
        />
      ) : null}
      <Button size="sm" variant="ghost" aria-label="Remove condition" onClick={onRemove}>
        <Icon name="x" size={14} />
      </Button>
      {message ? (
        <p id={errorId} className={error ? 'ui-field__error' : 'ui-field__hint'}>
          {message}
        </p>
      ) : null}
    </div>
  );
}

type ValueEditorProps = {
  field: LeadFieldInfo;
  value: DraftValue;
  describedBy: string | undefined;
  invalid: boolean;
  onChange: (value: DraftValue) => void;
};

function ValueEditor({ field, value, describedBy, invalid, onChange }: ValueEditorProps) {
  const aria = {
    'aria-describedby': describedBy,
    'aria-invalid': invalid || undefined,
  };
  const input = 'ui-input ui-input--sm';
  switch (value.kind) {
    case 'none':
      return null;
    case 'text':
      return (
        <input
          {...aria}
          aria-label="Value"
          className={input}
          value={value.text}
          placeholder="Value"
          onChange={(event) => onChange({ kind: 'text', text: event.target.value })}
        />
      );
    case 'number':
      return (
        <input
          {...aria}
          aria-label="Value"
          className={input}
          inputMode="decimal"
          value={value.text}
          placeholder="Number"
          onChange={(event) => onChange({ kind: 'number', text: event.target.value })}
        />
      );
    case 'date':
      return (
        <input
          {...aria}
          aria-label="Date"
          type="date"
          className={input}
          value={value.text}
          onChange={(event) => onChange({ kind: 'date', text: event.target.value })}
        />
      );
    case 'numberRange':
    case 'dateRange': {
      const type = value.kind === 'dateRange' ? 'date' : 'text';
      return (
        <span className="filter-condition__range">
          <input
            {...aria}
            aria-label="From"
            type={type}
            inputMode={type === 'text' ? 'decimal' : undefined}
            className={input}
            value={value.from}
            onChange={(event) => onChange({ ...value, from: event.target.value })}
          />
          <span aria-hidden="true">and</span>
          <input
            {...aria}
            aria-label="To"
            type={type}
            inputMode={type === 'text' ? 'decimal' : undefined}
            className={input}
            value={value.to}
            onChange={(event) => onChange({ ...value, to: event.target.value })}
          />
        </span>
      );
    }
    case 'relative':
      return (
        <span className="filter-condition__range">
          <input
            {...aria}
            aria-label="Amount"
            inputMode="numeric"
            className={`${input} filter-condition__amount`}
            value={value.amount}
            onChange={(event) => onChange({ ...value, amount: event.target.value })}
          />
          <select
            aria-label="Unit"
            className="ui-select ui-select--sm"
            value={value.unit}
            onChange={(event) => onChange({ ...value, unit: event.target.value as RelativeUnit })}
          >
            <option value="days">days</option>
            <option value="weeks">weeks</option>
            <option value="months">months</option>
          </select>
        </span>
      );
    case 'option':
      return (
        <select
          {...aria}
          aria-label="Value"
          className="ui-select ui-select--sm"
          value={value.text}
          onChange={(event) => onChange({ kind: 'option', text: event.target.value })}
        >
          <option value="">Choose…</option>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
          {value.text && !field.options?.some((o) => o.value === value.text) ? (
            <option value={value.text}>{value.text}</option>
          ) : null}
        </select>
      );
    case 'list':
      if (field.type === 'select' && field.options) {
        return (
          <fieldset className="filter-condition__options" {...aria}>
            <legend className="ui-visually-hidden">Values</legend>
            {field.options.map((o) => (
              <Checkbox
                key={o.value}
                label={o.label}
                checked={value.items.includes(o.value)}
                onChange={(event) =>
                  onChange({
                    kind: 'list',
                    items: event.target.checked
                      ? [...value.items, o.value]
                      : value.items.filter((v) => v !== o.value),
                  })
                }
              />
            ))}
          </fieldset>
        );
      }
      return (
        <span className="filter-condition__tags">
          <TagInput
            hideLabel
            label="Values"
            values={value.items}
            placeholder="Type and press Enter"
            onChange={(items) => onChange({ kind: 'list', items })}
          />
        </span>
      );
  }
}
