import { describe, expect, it } from 'vitest';
import { matchCommands } from './palette.ts';

const commands = [
  { id: 'go-inbox', label: 'Inbox', group: 'Go to' },
  { id: 'new', label: 'New lead', group: 'Actions' },
  { id: 'search', label: 'Focus search', group: 'Actions' },
  { id: 'view-hot', label: 'Hot leads', group: 'Views' },
  { id: 'col-email', label: 'Show column Email', group: 'Columns' },
];

describe('matchCommands', () => {
  it('lists everything for an empty query', () => {
    expect(matchCommands('  ', commands).map((c) => c.id)).toEqual(commands.map((c) => c.id));
  });

  it('needs every word and ranks label starts first, then word starts', () => {
    expect(matchCommands('lead', commands).map((c) => c.id)).toEqual(['new', 'view-hot']);
    expect(matchCommands('le ne', commands).map((c) => c.id)).toEqual(['new']);
    expect(matchCommands('ho', commands).map((c) => c.id)).toEqual(['view-hot', 'col-email']);
    expect(matchCommands('email col', commands).map((c) => c.id)).toEqual(['col-email']);
    expect(matchCommands('xyz', commands)).toEqual([]);
  });

  it('matches the group too, and treats regex characters as text', () => {
    expect(matchCommands('go to', commands).map((c) => c.id)).toEqual(['go-inbox']);
    expect(matchCommands('(', commands)).toEqual([]);
  });
});
