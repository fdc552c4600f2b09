import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a TypeScript entry point in its own process (so it has its own CPU), waiting for `ready` in its output. */
export async function spawnTs(entry: string, env: Record<string, string>, ready: RegExp, timeoutMs = 60_000) {
  // BENCH_NODE_ARGS (e.g. "--cpu-prof") profiles the processes under test.
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...extra, '--conditions=source', '--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${output}`)));
  });
  return {
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export const SERVER_MAIN = path.join(REPO_ROOT, 'packages/server/src/main.ts');

/** A Huiliu server process on `url`: a free port on loopback, no demo, no Redis, warnings only. */
export async function startBenchServer(url: string, env: Record<string, string> = {}) {
  const server = await spawnTs(
    SERVER_MAIN,
    {
      DATABASE_URL: url,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      HUILIU_DEMO: 'false',
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
      ...env,
    },
    /is running at/,
  );
  return { ...server, url: /is running at (\S+)/.exec(server.output())![1]! };
}
