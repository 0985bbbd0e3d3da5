/**
 * Messages between Electron main and the engine utility process (over `process.parentPort`).
 * Contract requests and responses reuse the WebSocket frames; on top of those the engine asks main
 * to encrypt/decrypt the refresh token with `safeStorage` and to show OS notifications.
 */
import { z } from 'zod';

/** Engine → main: encrypt or decrypt a secret with the OS keychain. `value` is base64 for decrypt. */
export const SecretRequest = z.object({
  type: z.literal('secret'),
  id: z.number().int().nonnegative(),
  op: z.enum(['encrypt', 'decrypt']),
  value: z.string(),
});
export type SecretRequest = z.infer<typeof SecretRequest>;

/** Main → engine. For encrypt `value` is base64 ciphertext (or the plain text if `encrypted` is false). */
export const SecretResponse = z.discriminatedUnion('ok', [
  z.object({
    type: z.literal('secret-result'),
    id: z.number().int().nonnegative(),
    ok: z.literal(true),
    value: z.string(),
    encrypted: z.boolean(),
  }),
  z.object({
    type: z.literal('secret-result'),
    id: z.number().int().nonnegative(),
    ok: z.literal(false),
    message: z.string(),
  }),
]);
export type SecretResponse = z.infer<typeof SecretResponse>;

/**
 * Engine → main: show an OS notification. `open` (inbox notifications): what a click opens; main
 * forwards it to the renderer as a `notifications:open` event.
 */
export const NotifyMessage = z.object({
  type: z.literal('notify'),
  title: z.string().max(200),
  body: z.string().max(1000),
  open: z
    .object({ conversationId: z.string().nullable(), queueItemId: z.string().nullable() })
    .optional(),
});
export type NotifyMessage = z.infer<typeof NotifyMessage>;
