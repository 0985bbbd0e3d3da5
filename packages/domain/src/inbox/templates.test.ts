import { describe, expect, it } from 'vitest';
import {
  parseMentions,
  renderTemplate,
  templateVariables,
  type TemplateVars,
} from './templates.ts';

const vars: TemplateVars = {
  lead: { firstName: 'Jane', company: 'Acme', title: '', employees: 120, city: null, tags: ['a'] },
  user: { name: 'Sam Seller', email: 'sam@ourco.com' },
  workspace: { name: 'OurCo' },
};

describe('renderTemplate', () => {
  it.each([
    ['Hi {{lead.firstName}},', 'Hi Jane,', []],
    ['{{ lead.company }} / {{user.name}} @ {{workspace.name}}', 'Acme / Sam Seller @ OurCo', []],
    ['Hi {{lead.firstName | "there"}}', 'Hi Jane', []],
    ['Hi {{lead.lastName | "there"}}', 'Hi there', []],
    ["Hi {{lead.title|'friend'}}", 'Hi friend', []],
    ['{{lead.city | "your city"}}', 'your city', []],
    ['Team of {{lead.employees}}', 'Team of 120', []],
    ['{{lead.tags}}', '', ['lead.tags']],
    ['Quote: {{lead.lastName | "say \\"hi\\""}}', 'Quote: say "hi"', []],
    ['Hi {{lead.lastName}} at {{lead.title}}', 'Hi  at ', ['lead.lastName', 'lead.title']],
    [
      '{{deal.amount}} {{lead.first.name}} {{lead.constructor}}',
      '  ',
      ['deal.amount', 'lead.first.name', 'lead.constructor'],
    ],
    ['{{lead.lastName}} {{lead.lastName}}', ' ', ['lead.lastName']],
    [
      'No placeholders, {single} braces, {{ not closed',
      'No placeholders, {single} braces, {{ not closed',
      [],
    ],
  ])('%s', (body, text, missing) => {
    expect(renderTemplate(body, vars)).toEqual({ text, missing });
  });

  it('values are inserted verbatim (no placeholder re-expansion)', () => {
    expect(
      renderTemplate('{{lead.firstName}}', { lead: { firstName: '{{user.name}}' } }).text,
    ).toBe('{{user.name}}');
  });

  it('templateVariables lists placeholders once', () => {
    expect(templateVariables('{{lead.firstName | "x"}} {{user.name}} {{lead.firstName}}')).toEqual([
      'lead.firstName',
      'user.name',
    ]);
  });
});

describe('parseMentions', () => {
  const members = [
    { id: 'u1', name: 'Ana Lopez', email: 'ana@ourco.com' },
    { id: 'u2', name: 'Bo Chen', email: 'bo@ourco.com' },
    { id: 'u3', name: 'Bo Jensen', email: 'bo.j@ourco.com' },
    { id: 'u4', name: 'Zoë Müller', email: null },
  ];

  it.each([
    ['@Ana Lopez can you take this?', ['u1']],
    ['@ana can you take this?', ['u1']],
    ['ping @ana@ourco.com and @Bo Chen.', ['u1', 'u2']],
    ['@Bo could be anyone', []],
    ['@Bo Jensen, @bo.j@ourco.com', ['u3']],
    ['@Zoë Müller!', ['u4']],
    ['mail ana@ourco.com directly', []],
    ['@Anastasia is not Ana', []],
    ['(@Ana Lopez)', ['u1']],
    ['@nobody here', []],
  ])('%s → %j', (text, ids) => {
    expect(parseMentions(text, members).userIds).toEqual(ids);
  });

  it('returns offsets of each mention, longest match first', () => {
    const text = 'Hey @Bo Chen and @ana.';
    expect(parseMentions(text, members).mentions).toEqual([
      { userId: 'u2', start: 4, end: 12 },
      { userId: 'u1', start: 17, end: 21 },
    ]);
    expect(text.slice(4, 12)).toBe('@Bo Chen');
  });
});
