/**
 * Helpers shared by every router: a router factory with the validation hook, and small builders
 * for request bodies and the error responses that `createRoute` documents.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodType } from 'zod';
import { ErrorBody } from '@sdr/schema';
import { named } from './api-schemas.ts';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

/** Name of the bearer security scheme in the OpenAPI document. */
export const BEARER = 'bearerAuth';
export const bearerSecurity = [{ [BEARER]: [] }];

export const ErrorResponse = named(ErrorBody, 'Error');

/** A router whose zod validation failures become `400 invalid_input` with `issues`. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({
          path: i.path.map(String).join('.'),
          message: i.message,
        }));
        throw new ApiError('invalid_input', 'The request is not valid.', { issues });
      }
    },
  });
}

export function jsonBody<T extends ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

export function jsonResponse<T extends ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

const ERROR_DESCRIPTIONS = {
  400: 'Invalid input or malformed JSON',
  401: 'Not authenticated, wrong credentials, expired or reused token',
  403: 'Not allowed for this role or workspace',
  404: 'Not found in this workspace',
  409: 'Conflict (email taken, last admin, already a member)',
  413: 'Request body too large',
  415: 'The body is not application/json',
  429: 'Too many requests; see Retry-After',
  502: 'The mail could not be sent',
} as const;
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** Documents the error responses a route can return (all share the one error shape). */
export function errors<const S extends readonly ErrorStatus[]>(...statuses: S) {
  const out = {} as {
    [K in S[number]]: {
      description: string;
      content: { 'application/json': { schema: typeof ErrorResponse } };
    };
  };
  for (const s of statuses) {
    (out as Record<number, unknown>)[s] = {
      description: ERROR_DESCRIPTIONS[s],
      content: { 'application/json': { schema: ErrorResponse } },
    };
  }
  return out;
}
