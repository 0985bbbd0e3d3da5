/**
 * What must hold once the system is quiet. Returns a list of problems (empty: all good):
 * - every replica holds the same docs, with the same Yjs state and the same projected rows, all
 *   valid;
 * - nothing is waiting: outboxes are empty, every cursor is at the head of the change log;
 * - no write is lost silently: for every field, the final value is one of the writes no other
 *   write had seen (the maximal writes), and every other maximal write, overwritten by a write
 *   that had not seen it, is in the conflict log;
 * - every logged conflict is a pair of writes that had not seen each other.
 */
import * as Y from 'yjs';
import { fieldsOf } from '../../records/doc-shape.ts';
import { leadRecord } from '../../records/lead.ts';
import { projectRecord } from '../../records/project.ts';
import { jsonEqual } from '../../records/values.ts';
import type { SyncSystem } from './system.ts';
import { knows, stateOf, type LoggedWrite } from './write-log.ts';

const idOf = (w: { clientId: number; clock: number }): string => `${w.clientId}@${w.clock}`;

function checkReplicas(system: SyncSystem, problems: string[]): void {
  const serverNames = [...system.server.docs.keys()].sort();
  for (const name of serverNames) {
    const issues = projectRecord(leadRecord, system.server.docs.get(name)!).issues;
    if (issues.length > 0)
      problems.push(`server ${name} has invalid values: ${JSON.stringify(issues)}`);
  }
  for (const c of system.clients) {
    if (c.outbox.length > 0)
      problems.push(`client ${c.index} still has ${c.outbox.length} unacknowledged updates`);
    if (c.cursor !== system.server.headSeq)
      problems.push(`client ${c.index} cursor ${c.cursor} ≠ head ${system.server.headSeq}`);
    const names = [...c.docs.keys()].sort();
    if (!jsonEqual(names, serverNames))
      problems.push(`client ${c.index} docs ${names.join()} ≠ server ${serverNames.join()}`);
    for (const name of serverNames) {
      const doc = c.docs.get(name);
      const server = system.server.docs.get(name)!;
      if (!doc) continue;
      if (!jsonEqual(projectRecord(leadRecord, doc), projectRecord(leadRecord, server))) {
        problems.push(`client ${c.index} row ${name} diverges from the server`);
      }
      if (!jsonEqual(Y.encodeStateVector(doc), Y.encodeStateVector(server))) {
        problems.push(`client ${c.index} doc ${name} has a different Yjs state`);
      }
    }
  }
}

function checkWrites(system: SyncSystem, problems: string[]): void {
  const byField = new Map<string, LoggedWrite[]>();
  for (const w of system.writes.writes) {
    const key = `${w.docName}/${w.field}`;
    byField.set(key, [...(byField.get(key) ?? []), w]);
  }
  const conflicted = new Map<string, Set<string>>();
  for (const c of system.server.conflicts) {
    const key = `${c.docName}/${c.field}`;
    const set = conflicted.get(key) ?? new Set<string>();
    set.add(idOf(c.previous)).add(idOf(c.incoming));
    conflicted.set(key, set);
  }
  for (const [key, writes] of byField) {
    const [docName, field] = key.split('/') as [string, string];
    const doc = system.server.docs.get(docName);
    if (!doc) {
      problems.push(`writes to ${docName}, which the server does not hold`);
      continue;
    }
    const sv = stateOf(doc);
    const missing = writes.filter((w) => (sv.get(w.clientId) ?? 0) <= w.clock);
    if (missing.length > 0)
      problems.push(`${key}: ${missing.length} writes never reached the server`);
    const maximal = writes.filter((w) => !writes.some((other) => other !== w && knows(other, w)));
    const item = fieldsOf(doc)._map.get(field);
    const winner = item ? { clientId: item.id.client, clock: item.id.clock } : null;
    const winning = winner && maximal.find((m) => idOf(m) === idOf(winner));
    if (!winning) {
      problems.push(
        `${key}: the final value ${winner ? idOf(winner) : '(none)'} is not a maximal write`,
      );
      continue;
    }
    if (!item!.deleted && !jsonEqual(fieldsOf(doc).get(field), winning.value)) {
      problems.push(`${key}: final value differs from the winning write`);
    }
    for (const m of maximal) {
      if (m !== winning && !conflicted.get(key)?.has(idOf(m))) {
        problems.push(
          `${key}: write ${idOf(m)} (${JSON.stringify(m.value)}) was overwritten concurrently but not logged`,
        );
      }
    }
  }
  checkConflictWinners(system, problems);
  const byId = new Map(system.writes.writes.map((w) => [`${w.docName}/${w.field}/${idOf(w)}`, w]));
  for (const c of system.server.conflicts) {
    const a = byId.get(`${c.docName}/${c.field}/${idOf(c.previous)}`);
    const b = byId.get(`${c.docName}/${c.field}/${idOf(c.incoming)}`);
    if (!a || !b) problems.push(`conflict on ${c.docName}/${c.field} names an unknown write`);
    else if (knows(a, b) || knows(b, a))
      problems.push(`conflict on ${c.docName}/${c.field} between causally ordered writes`);
  }
}

/** Position of the item holding `id` in the key's chain of the server doc (left to right). */
export function chainPosition(
  doc: Y.Doc,
  field: string,
  id: { clientId: number; clock: number },
): number {
  const chain: Y.Item[] = [];
  for (let item = fieldsOf(doc)._map.get(field) ?? null; item !== null; item = item.left)
    chain.unshift(item);
  return chain.findIndex(
    (i) =>
      i.id.client === id.clientId && id.clock >= i.id.clock && id.clock < i.id.clock + i.length,
  );
}

/** A conflict's `winner` must agree with the order Yjs gave the two writes. */
function checkConflictWinners(system: SyncSystem, problems: string[]): void {
  for (const c of system.server.conflicts) {
    const doc = system.server.docs.get(c.docName)!;
    const incomingRight =
      chainPosition(doc, c.field, c.incoming) > chainPosition(doc, c.field, c.previous);
    if ((c.winner === 'incoming') !== incomingRight) {
      problems.push(`conflict on ${c.docName}/${c.field} names the wrong winner`);
    }
  }
}

export function checkQuiescentSystem(system: SyncSystem): string[] {
  const problems: string[] = [];
  checkReplicas(system, problems);
  checkWrites(system, problems);
  return problems;
}
