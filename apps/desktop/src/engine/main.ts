/**
 * The engine process entry. Inside Electron (a utility process) it serves the contract over the
 * parent port and keeps secrets with main's safeStorage; as a plain Node process it is the web shell.
 */
import pkg from '../../package.json' with { type: 'json' };
import { createEngine } from './engine.ts';
import { connectParentPort, findParentPort } from './electron-port.ts';
import { loadEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { plainSecretBox } from './secret-box.ts';
import { startWebShell } from './web-shell.ts';

const env = loadEnv();
const log = createLogger(env.logLevel, 'engine');
const parentPort = findParentPort();

if (parentPort) {
  const port = connectParentPort(parentPort, log.child('port'));
  const engine = await createEngine({
    dataDir: env.dataDir,
    serverUrl: env.serverUrl,
    shell: 'electron',
    version: pkg.version,
    box: port.box,
    notify: port.notify,
    demoLogin: env.demoLogin,
    log,
  });
  port.attach(engine);
  log.info('engine ready (electron)', { dataDir: env.dataDir, serverUrl: env.serverUrl });
} else {
  const engine = await createEngine({
    dataDir: env.dataDir,
    serverUrl: env.serverUrl,
    shell: 'web',
    version: pkg.version,
    box: plainSecretBox,
    demoLogin: env.demoLogin,
    log,
  });
  const shell = await startWebShell({
    engine,
    rendererDir: env.rendererDir,
    port: env.port,
    devOrigins: env.devOrigins,
    log: log.child('web'),
  });
  log.info('web shell ready', { url: shell.url, dataDir: env.dataDir, serverUrl: env.serverUrl });
  process.stdout.write(`SDR web shell: ${shell.url}\n`);

  const stop = () => {
    void shell
      .close()
      .then(() => engine.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
