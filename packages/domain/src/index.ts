export { can, roleAtLeast } from './permissions.ts';
export type { Permission } from './permissions.ts';
