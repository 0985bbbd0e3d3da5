import type { RoleName } from '@sdr/schema';
import type { Db } from './db/schema.ts';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';

/** The server's configuration once the JWT secret is known. */
export type ServerEnv = Env & { jwtSecret: string };

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  db: Db;
  env: ServerEnv;
  mailer: Mailer;
  logger: Logger;
  /** Defaults to `() => new Date()`. */
  clock?: () => Date;
  /** Defaults to ULIDs. */
  newId?: () => string;
}

/** `AppDeps` with the defaults filled in; what services receive. */
export type Deps = Required<AppDeps>;

/** Who is calling, set by the auth middleware from the access token and the session row. */
export interface AuthContext {
  userId: string;
  workspaceId: string;
  sessionId: string;
  role: RoleName;
}

/** Hono's environment for every router of this app. */
export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    auth: AuthContext;
  };
}
