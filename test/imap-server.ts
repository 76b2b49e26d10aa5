// A throwaway IMAP server for the IMAP polling tests: Dovecot (Debian's `dovecot-imapd`; `.ci/run`
// installs it) with one passwd-file user and a maildir under a temp dir, listening on a free port
// of 127.0.0.1, plain IMAP (no TLS), stopped and removed by `stop()`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ImapTestServer {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

export async function startImapServer(
  user = 'service@onepoint.local',
  password = 'imap-secret-1',
): Promise<ImapTestServer> {
  if (!DOVECOT)
    throw new Error(
      'These tests need a real IMAP server: Dovecot (`apt-get install -y dovecot-imapd`, as .ci/run does); /usr/sbin/dovecot was not found',
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onepoint-imap-'));
  chmodSync(dir, 0o755); // Dovecot's auth and mail processes run as other users
  const port = await freePort();
  for (const d of ['mail', 'run', 'state']) mkdirSync(path.join(dir, d));
  // Dovecot will not deliver as root: the mail belongs to the running user, or nobody under root.
  const uid = process.getuid?.() === 0 ? 65534 : (process.getuid?.() ?? 65534);
  const gid = process.getuid?.() === 0 ? 65534 : (process.getgid?.() ?? 65534);
  if (process.getuid?.() === 0) chownSync(path.join(dir, 'mail'), uid, gid);
  writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}\n`);
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
first_valid_gid = 1
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
`,
  );
  const check = spawnSync(DOVECOT, ['-c', conf, '-n'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`dovecot refused the test configuration: ${check.stderr}`);
  const child: ChildProcess = spawn(DOVECOT, ['-c', conf, '-F'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`dovecot did not start on 127.0.0.1:${port} (see ${dir}/dovecot.log)`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
