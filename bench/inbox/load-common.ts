/**
 * What both webhook load generators of `pnpm bench:inbox` share (`load.ts` with node:http,
 * `load-wrk.ts` with wrk): their input and the signed Twilio inbound webhook they send.
 */
import { createHmac } from 'node:crypto';

export interface LoadInput {
  url: string;
  accountSid: string;
  authToken: string;
  to: string;
  froms: string[];
  connections: number;
  durationMs: number;
  warmupMs: number;
  duplicateRatio: number;
}

/** The generator's input: its one JSON argument. */
export function readLoadInput(): LoadInput {
  return JSON.parse(process.argv[2] ?? '{}') as LoadInput;
}

/** `X-Twilio-Signature` of a form POST to `input.url` (Twilio's published algorithm). */
function sign(input: LoadInput, params: Record<string, string>): string {
  let data = input.url;
  for (const k of Object.keys(params).sort()) data += k + params[k];
  return createHmac('sha1', input.authToken).update(data, 'utf8').digest('base64');
}

/** The form body and signature of inbound SMS number `n` with MessageSid `sid`. */
export function inboundSms(
  input: LoadInput,
  sid: string,
  n: number,
  body: string,
): { body: string; signature: string } {
  const params: Record<string, string> = {
    AccountSid: input.accountSid,
    ApiVersion: '2010-04-01',
    Body: body,
    From: input.froms[n % input.froms.length]!,
    MessageSid: sid,
    NumMedia: '0',
    NumSegments: '1',
    SmsMessageSid: sid,
    SmsSid: sid,
    SmsStatus: 'received',
    To: input.to,
  };
  return { body: new URLSearchParams(params).toString(), signature: sign(input, params) };
}
