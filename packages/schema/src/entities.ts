import {
  credential,
  invitation,
  membership,
  passwordReset,
  refreshToken,
  session,
  user,
  workspace,
} from './entities/accounts.ts';
import { account, localSetting } from './entities/local.ts';

/**
 * Every entity of the product, in dependency order (a table comes after the tables it references).
 * Later issues add lead, conversation, message, queue item, ... here.
 */
export const ENTITIES = [
  workspace,
  user,
  credential,
  membership,
  session,
  refreshToken,
  invitation,
  passwordReset,
  account,
  localSetting,
] as const;
