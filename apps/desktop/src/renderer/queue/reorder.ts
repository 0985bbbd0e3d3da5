/** Drag and drop in the manager's queue: the new order after dropping `moved` onto `target`. */
export function moveItem(ids: readonly string[], moved: string, target: string): string[] {
  const from = ids.indexOf(moved);
  const to = ids.indexOf(target);
  if (from < 0 || to < 0 || from === to) return [...ids];
  const out = ids.filter((id) => id !== moved);
  // Dropped on an item below: after it; above: before it (the item takes the target's place).
  out.splice(to, 0, moved);
  return out;
}
