import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './ports.js';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

/** Why the Dovecot tests cannot run here, or undefined when they can. */
export function dovecotMissing(): string | undefined {
  return existsSync(DOVECOT_BINARY)
    ? undefined
    : `Dovecot is not installed (${DOVECOT_BINARY}); install the Debian package dovecot-imapd to run the IMAP tests`;
}

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  /** APPENDs a raw message to the user's mailbox, as a mail delivery would. */
  append(raw: Buffer, folder?: string): Promise<void>;
  /** A fresh IMAP session for checks (the caller logs out). */
  client(): Promise<ImapFlow>;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}): ${await fs.readFile(log, 'utf8').catch(() => '')}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`dovecot did not listen on ${port}: ${await fs.readFile(log, 'utf8').catch(() => '')}`);
}

async function systemUser(name: string): Promise<{ uid: number; gid: number; name: string }> {
  const line = (await fs.readFile('/etc/passwd', 'utf8')).split('\n').find((entry) => entry.startsWith(`${name}:`));
  if (!line) throw new Error(`the system user ${name} (made by the dovecot-core package) is missing`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid), name };
}

/**
 * A real Dovecot IMAP server with a throw-away configuration and Maildir in a temp directory,
 * on a free loopback port, plain-text login (no TLS) with one passwd-file user.
 */
export async function startDovecot(): Promise<Dovecot> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiliu-dovecot-'));
  await fs.chmod(dir, 0o755);
  const port = await freePort();
  const user = 'support';
  const password = 'mail-secret-1';
  const log = path.join(dir, 'dovecot.log');
  for (const sub of ['run', 'state', 'mail', 'home']) await fs.mkdir(path.join(dir, sub), { mode: 0o755 });
  await fs.writeFile(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  // Dovecot never keeps mail as root: as root (CI), the mail belongs to the system's dovecot user.
  const self = os.userInfo();
  const root = self.uid === 0;
  const owner = root ? await systemUser('dovecot') : { uid: self.uid, gid: self.gid, name: self.username };
  if (root) for (const sub of ['mail', 'home']) await fs.chown(path.join(dir, sub), owner.uid, owner.gid);
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${owner.name}
default_internal_group = ${root ? 'dovecot' : owner.name}
default_login_user = ${root ? 'dovenull' : owner.name}
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
  const configFile = path.join(dir, 'dovecot.conf');
  await fs.writeFile(configFile, config);
  const child = spawn(DOVECOT_BINARY, ['-F', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitForPort(port, child, log);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  const client = async () => {
    const imap = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
    imap.on('error', () => undefined);
    await imap.connect();
    return imap;
  };
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    client,
    async append(raw, folder = 'INBOX') {
      const imap = await client();
      try {
        await imap.append(folder, raw);
      } finally {
        await imap.logout();
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
