/**
 * Twilio's published OpenAPI spec (API 2010-04-01), read at run time from ../shared/specs beside
 * the repository (never copied into it), and JSON-schema validators for its response schemas.
 * The spec's schemas mark nothing required and allow extra properties; `strict` tightens them to
 * "exactly these properties, all present", which is what Twilio's responses carry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';

export const TWILIO_SPEC_PATH = fileURLToPath(
  new URL('../../../../../../shared/specs/twilio/twilio_api_v2010.json', import.meta.url),
);

type Schema = Record<string, unknown> & { properties?: Record<string, unknown> };
interface Spec {
  components: { schemas: Record<string, Schema> };
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
}

let cached: Spec | undefined;

export function loadTwilioSpec(): Spec {
  if (!cached) {
    if (!existsSync(TWILIO_SPEC_PATH)) {
      throw new Error(
        `Twilio's OpenAPI spec is missing at ${TWILIO_SPEC_PATH} (../shared/specs beside the repo)`,
      );
    }
    cached = JSON.parse(readFileSync(TWILIO_SPEC_PATH, 'utf8')) as Spec;
  }
  return cached;
}

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const RFC2822 = new RegExp(
  `^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (${MONTHS}) \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000$`,
);

function tighten(schema: Schema): Schema {
  const properties = schema.properties ?? {};
  return { ...schema, required: Object.keys(properties), additionalProperties: false };
}

/** A validator for a component schema (`api.v2010.account.message`) or any schema using `$ref`s. */
export function twilioValidator(
  schema: Schema | string,
  options: { strict?: boolean } = {},
): ValidateFunction {
  const spec = loadTwilioSpec();
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time-rfc-2822', RFC2822);
  ajv.addFormat('phone-number', /^(whatsapp:)?(\+[1-9]\d{1,14}|\d{3,8}|[A-Za-z0-9 ]{1,11})$/);
  ajv.addFormat('currency', /^[A-Za-z]{3}$/);
  // Twilio's "uri" values are relative (`/2010-04-01/...`) or absolute.
  ajv.addFormat('uri', /^(\/|https?:\/\/)\S*$/);
  ajv.addFormat('uri-map', () => true);
  ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)));
  ajv.addSchema({ $id: 'twilio', components: spec.components });
  const root =
    typeof schema === 'string'
      ? (spec.components.schemas[schema] ?? fail(`no schema ${schema}`))
      : schema;
  // Refs inside `root` point at `#/components/...` of the spec document.
  const rewritten = JSON.parse(
    JSON.stringify(options.strict ? tighten(root) : root).replaceAll(
      '"#/components/',
      '"twilio#/components/',
    ),
  ) as Schema;
  return ajv.compile(rewritten);
}

/** The JSON schema of a path's response in the spec, e.g. the Messages list page. */
export function twilioResponseSchema(path: string, method: string, status: string): Schema {
  const schema =
    loadTwilioSpec().paths[path]?.[method]?.responses[status]?.content?.['application/json']
      ?.schema;
  return schema ?? fail(`no ${method} ${path} ${status} response schema`);
}

function fail(message: string): never {
  throw new Error(message);
}
