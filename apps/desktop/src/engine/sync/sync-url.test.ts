import { describe, expect, it } from 'vitest';
import { syncSocketUrl } from './sync-url.ts';

describe('syncSocketUrl', () => {
  it.each([
    { server: 'http://127.0.0.1:8787', socket: 'ws://127.0.0.1:8787/sync' },
    { server: 'https://sync.example.com', socket: 'wss://sync.example.com/sync' },
    { server: 'https://example.com/base/', socket: 'wss://example.com/base/sync' },
    { server: 'http://localhost:1/?q=1#x', socket: 'ws://localhost:1/sync' },
  ])('$server → $socket', ({ server, socket }) => {
    expect(syncSocketUrl(server)).toBe(socket);
  });
});
