import { describe, expect, it } from 'vitest';
import { createTypingTracker, presenceText } from './presence-model.ts';

const v = (name: string, typing = false) => ({ userId: name.toLowerCase(), name, typing });

describe('presence text', () => {
  it.each([
    [[], ''],
    [[v('Ada')], 'Ada is viewing'],
    [[v('Ada', true)], 'Ada is typing…'],
    [[v('Ada'), v('Ben')], 'Ada and Ben are viewing'],
    [[v('Ada', true), v('Ben')], 'Ada is typing…; Ben is viewing'],
    [[v('Ada'), v('Ben'), v('Cy')], 'Ada, Ben and Cy are viewing'],
    [[v('Ada'), v('Ben'), v('Cy'), v('Dee')], 'Ada, Ben and 2 others are viewing'],
    [[{ userId: 'x', name: '', typing: false }], 'Someone is viewing'],
  ])('%j → %s', (viewers, text) => {
    expect(presenceText(viewers)).toBe(text);
  });
});

describe('typing tracker', () => {
  it('says typing on the first keystroke and stopped after the idle time', () => {
    const t = createTypingTracker(4000);
    expect(t.idle(0)).toBe(false);
    expect(t.keystroke(1000)).toBe(true);
    expect(t.keystroke(2000)).toBe(false);
    expect(t.idle(5000)).toBe(false); // 3 s since the last keystroke
    expect(t.typing).toBe(true);
    expect(t.idle(6000)).toBe(true);
    expect(t.typing).toBe(false);
    expect(t.idle(9000)).toBe(false);
    expect(t.keystroke(9500)).toBe(true);
  });
});
