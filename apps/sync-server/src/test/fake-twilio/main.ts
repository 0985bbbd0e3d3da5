/**
 * The fake Twilio as its own process, for e2e tests and benchmarks:
 *
 *   tsx apps/sync-server/src/test/fake-twilio/main.ts --port 4010 [--host 127.0.0.1]
 *       [--account ACxxx:token]... [--seed 1] [--exit-with-stdin]
 *
 * Prints one JSON line when listening: `{"url":"http://127.0.0.1:4010","port":4010}`. Configure
 * and inspect it through the `/__fake/*` routes (`connectFakeTwilio(url)` in control.ts). Stops on
 * SIGTERM/SIGINT, and when stdin ends if `--exit-with-stdin` is given (a child of a test process).
 */
import { parseArgs } from 'node:util';
import { startFakeTwilio } from './fake-twilio.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    account: { type: 'string', multiple: true, default: [] },
    seed: { type: 'string', default: '1' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be 0-65535, got ${values.port}\n`);
  process.exit(2);
}

const fake = await startFakeTwilio({ port, host: values.host, seed: Number(values.seed) });
for (const pair of values.account) {
  const colon = pair.indexOf(':');
  if (colon < 0) {
    process.stderr.write(`--account must be SID:TOKEN, got ${pair}\n`);
    process.exit(2);
  }
  fake.addAccount(pair.slice(0, colon), pair.slice(colon + 1));
}
process.stdout.write(
  `${JSON.stringify({ url: fake.url, port: Number(new URL(fake.url).port) })}\n`,
);

const stop = () => {
  void fake.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (values['exit-with-stdin']) {
  process.stdin.resume();
  process.stdin.on('end', stop);
}
