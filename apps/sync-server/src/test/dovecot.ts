/**
 * A private Dovecot IMAP server for tests: Debian's `dovecot-imapd` (/usr/sbin/dovecot) started as
 * a child process with a generated config in a temp dir, listening on a free 127.0.0.1 port,
 * plain-text LOGIN without TLS, users from a passwd-file, Maildir storage in the temp dir. It shares
 * nothing with a system Dovecot (own base_dir, state_dir, instance name and port).
 *
 * Users: `addUser` works before and after start (Dovecot re-reads the passwd-file when it
 * changes). Mail is put in with `deliver` (an IMAP APPEND through imapflow, like a mail client or an
 * MTA's final step would leave it).
 *
 * Privileges: as root, Dovecot's login and internal processes run as the packaged `dovenull` and
 * `dovecot` users and mail is stored as `nobody` (Dovecot refuses uid 0 for mail); as any other
 * user, everything runs as that user. `mailUid`/`mailGid` override the mail owner.
 *
 * If Dovecot is missing or does not start, `startDovecot` throws with the reason and its log:
 * tests that need IMAP fail instead of being skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

export interface DovecotUser {
  name: string;
  password: string;
}

export interface DovecotOptions {
  users?: DovecotUser[];
  /** Default: a free port chosen at start. */
  port?: number;
  /** Default /usr/sbin/dovecot. */
  binary?: string;
  mailUid?: number;
  mailGid?: number;
}

export interface Dovecot {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The temp dir with the config, the passwd-file, the mail and the log. */
  readonly dir: string;
  /** e.g. "2.3.19.1". */
  readonly version: string;
  /**
   * Adds (or replaces) a user. While running, resolves once Dovecot accepts the login (it re-reads
   * the passwd-file at most once a second).
   */
  addUser(name: string, password: string): Promise<void>;
  /** Options for `new ImapFlow(...)` logging in as `user`. */
  imapOptions(user: string): ImapFlowOptions;
  /** A connected imapflow client for `user` (call `logout()` when done). */
  connect(user: string): Promise<ImapFlow>;
  /** APPENDs a raw RFC 822 message to the user's mailbox (INBOX by default); returns its UID. */
  deliver(
    user: string,
    raw: string | Buffer,
    options?: { mailbox?: string; flags?: string[]; internalDate?: Date },
  ): Promise<{ uid: number | undefined }>;
  /** Dovecot's log so far. */
  log(): string;
  /** Stops Dovecot and removes the temp dir. */
  stop(): Promise<void>;
}

const DEFAULT_BINARY = '/usr/sbin/dovecot';

export function dovecotVersion(binary = DEFAULT_BINARY): string {
  if (!existsSync(binary)) {
    throw new Error(
      `Dovecot is not installed (${binary} missing). Install it with ` +
        '`apt-get install -y dovecot-imapd` (.ci/run does this on CI).',
    );
  }
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  const version = /^(\d+\.\d+(\.\d+)*)/.exec(out.stdout.trim())?.[1];
  if (out.status !== 0 || !version) {
    throw new Error(`\`${binary} --version\` failed: ${out.stderr || out.stdout}`);
  }
  return version;
}

function idOf(kind: 'u' | 'g', name: string): number | undefined {
  const out = spawnSync('id', [`-${kind}`, name], { encoding: 'utf8' });
  return out.status === 0 ? Number(out.stdout.trim()) : undefined;
}

interface Identity {
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  mailUid: number;
  mailGid: number;
}

function identity(options: DovecotOptions): Identity {
  const me = userInfo();
  if (me.uid !== 0) {
    const group = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();
    return {
      internalUser: me.username,
      internalGroup: group,
      loginUser: me.username,
      mailUid: options.mailUid ?? me.uid,
      mailGid: options.mailGid ?? me.gid,
    };
  }
  if (idOf('u', 'dovecot') === undefined || idOf('u', 'dovenull') === undefined) {
    throw new Error(
      'Running as root needs the `dovecot` and `dovenull` users of the dovecot-core package',
    );
  }
  return {
    internalUser: 'dovecot',
    internalGroup: 'dovecot',
    loginUser: 'dovenull',
    mailUid: options.mailUid ?? idOf('u', 'nobody') ?? 65534,
    mailGid: options.mailGid ?? idOf('g', 'nogroup') ?? idOf('g', 'nobody') ?? 65534,
  };
}

/** The config for Dovecot 2.3 (Debian 12) or 2.4 (Debian 13: renamed settings, new syntax). */
function config(version: string, dir: string, port: number, id: Identity): string {
  const v24 = !/^2\.[0-3]\./.test(version);
  const users = path.join(dir, 'users');
  const common = [
    `instance_name = sdr-test-${path.basename(dir)}`,
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `log_path = ${dir}/dovecot.log`,
    'protocols = imap',
    'listen = 127.0.0.1',
    'ssl = no',
    'auth_mechanisms = plain login',
    // Tests try wrong passwords on purpose: no 2 s penalty.
    'auth_failure_delay = 0',
    `default_internal_user = ${id.internalUser}`,
    `default_internal_group = ${id.internalGroup}`,
    `default_login_user = ${id.loginUser}`,
    `first_valid_uid = ${id.mailUid}`,
    `first_valid_gid = ${id.mailGid}`,
    'namespace inbox {',
    '  inbox = yes',
    '  separator = /',
    '}',
    'service imap-login {',
    '  chroot =',
    '  inet_listener imap {',
    `    port = ${port}`,
    '  }',
    '  inet_listener imaps {',
    '    port = 0',
    '  }',
    '}',
    // No brute-force penalty: after one failed login (tests do that on purpose) every later login
    // from 127.0.0.1 would wait 2-15 s.
    'service anvil {',
    '  chroot =',
    '  unix_listener anvil-auth-penalty {',
    '    mode = 0',
    '  }',
    '}',
  ];
  const versioned = v24
    ? [
        'dovecot_config_version = 2.4.0',
        'dovecot_storage_version = 2.4.0',
        'auth_allow_cleartext = yes',
        'mail_driver = maildir',
        'mail_path = ~/Maildir',
        'passdb passwd-file {',
        `  passwd_file_path = ${users}`,
        '}',
        'userdb passwd-file {',
        `  passwd_file_path = ${users}`,
        '}',
      ]
    : [
        'disable_plaintext_auth = no',
        'mail_location = maildir:~/Maildir',
        'passdb {',
        '  driver = passwd-file',
        `  args = scheme=PLAIN username_format=%u ${users}`,
        '}',
        'userdb {',
        '  driver = passwd-file',
        `  args = username_format=%u ${users}`,
        '}',
      ];
  // 2.4 wants dovecot_config_version first.
  return [
    ...(v24 ? versioned.slice(0, 2) : []),
    ...common,
    ...(v24 ? versioned.slice(2) : versioned),
    '',
  ].join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when the server sends its `* OK` greeting. */
function greeting(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('utf8').startsWith('* OK')));
  });
}

// Dovecot is started under a small shell that also stops it when this process goes away (its
// stdin closes), so a killed test worker leaves no Dovecot behind.
const WATCHDOG = `
exec 3<&0
"$1" -F -c "$2" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' TERM INT
( cat <&3 >/dev/null; kill -TERM $pid 2>/dev/null ) &
wait $pid; status=$?
wait $pid 2>/dev/null
exit $status
`;

export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const binary = options.binary ?? DEFAULT_BINARY;
  const version = dovecotVersion(binary);
  const id = identity(options);
  const dir = mkdtempSync(path.join(tmpdir(), 'sdr-dovecot-'));
  // Dovecot's unprivileged processes must reach the passwd-file and the mail homes.
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state']) mkdirSync(path.join(dir, sub));
  const homes = path.join(dir, 'home');
  mkdirSync(homes);
  if (userInfo().uid === 0) chownSync(homes, id.mailUid, id.mailGid);

  const users = new Map<string, string>();
  const writeUsers = () => {
    const lines = [...users].map(
      ([name, password]) =>
        `${name}:{PLAIN}${password}:${id.mailUid}:${id.mailGid}::${path.join(homes, name)}::`,
    );
    writeFileSync(path.join(dir, 'users'), lines.join('\n') + '\n', { mode: 0o644 });
  };
  const setUser = (name: string, password: string) => {
    if (!/^[A-Za-z0-9._@+-]+$/.test(name)) throw new Error(`unusable IMAP user name: ${name}`);
    if (/[:\n]/.test(password)) throw new Error('an IMAP password cannot contain ":" or a newline');
    users.set(name, password);
    writeUsers();
  };
  for (const u of options.users ?? []) setUser(u.name, u.password);
  writeUsers();

  const readLog = () => {
    const file = path.join(dir, 'dovecot.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };

  let child: ChildProcess | undefined;
  let port = 0;
  let lastError = '';
  // A port picked free can be taken before Dovecot binds it: try a few.
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = options.port ?? (await freePort());
    writeFileSync(path.join(dir, 'dovecot.conf'), config(version, dir, port, id));
    const proc = spawn(
      '/bin/sh',
      ['-c', WATCHDOG, 'dovecot-watchdog', binary, path.join(dir, 'dovecot.conf')],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    let exited = false;
    proc.once('exit', () => (exited = true));
    const deadline = Date.now() + 15_000;
    let up = false;
    while (!exited && Date.now() < deadline) {
      if (await greeting(port, 1000)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (up) {
      child = proc;
      break;
    }
    proc.kill('SIGTERM');
    lastError = `Dovecot ${version} did not start on 127.0.0.1:${port}${exited ? ` (exited with ${proc.exitCode})` : ' within 15 s'}.\n${stderr}\n${readLog()}`;
    if (options.port !== undefined || !/Address already in use/.test(lastError)) break;
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(lastError);
  }
  const running = child;

  const imapOptions = (user: string): ImapFlowOptions => {
    const pass = users.get(user);
    if (pass === undefined) throw new Error(`no IMAP user ${user}`);
    return { host: '127.0.0.1', port, secure: false, auth: { user, pass }, logger: false };
  };
  const connectAs = async (user: string) => {
    const client = new ImapFlow(imapOptions(user));
    await client.connect();
    return client;
  };

  const addUser = async (name: string, password: string) => {
    setUser(name, password);
    const deadline = Date.now() + 5000;
    for (;;) {
      const client = new ImapFlow(imapOptions(name));
      try {
        await client.connect();
        await client.logout();
        return;
      } catch (error) {
        client.close();
        if (Date.now() > deadline)
          throw new Error(`Dovecot did not accept the new user ${name}: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  return {
    host: '127.0.0.1',
    port,
    dir,
    version,
    addUser,
    imapOptions,
    connect: connectAs,
    async deliver(user, raw, opts = {}) {
      const client = await connectAs(user);
      try {
        const result = await client.append(
          opts.mailbox ?? 'INBOX',
          raw,
          opts.flags ?? [],
          opts.internalDate,
        );
        return { uid: result ? result.uid : undefined };
      } finally {
        await client.logout();
      }
    },
    log: readLog,
    async stop() {
      if (running.exitCode === null && running.signalCode === null) {
        await new Promise<void>((resolve) => {
          running.once('exit', () => resolve());
          running.stdin?.end();
          running.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
