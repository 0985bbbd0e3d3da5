/**
 * The workspace's members (names for assignees and authors, @mention candidates), asked once per
 * workspace while online; offline the list stays empty and ids are shown shortened.
 */
import { useEffect, useState } from 'react';
import type { MemberDto } from '@sdr/schema';
import { engine } from '../engine.ts';
import { useSignedIn } from '../stores/auth.ts';

const cache = new Map<string, MemberDto[]>();
const NONE: MemberDto[] = [];

export function useMembers(): MemberDto[] {
  const { me } = useSignedIn();
  const ws = me.workspace.id;
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (cache.has(ws)) return;
    let current = true;
    void engine.invoke('members:list', {}).then((r) => {
      if (!r.ok) return;
      cache.set(ws, r.data);
      if (current) setLoaded((n) => n + 1);
    });
    return () => {
      current = false;
    };
  }, [ws]);
  return cache.get(ws) ?? NONE;
}

/** A member's name, "Me" for myself, or the id shortened. */
export function memberName(members: readonly MemberDto[], id: string | null, myId: string): string {
  if (id === null) return 'Unassigned';
  if (id === myId) return 'Me';
  return members.find((m) => m.userId === id)?.name ?? `${id.slice(0, 8)}…`;
}
