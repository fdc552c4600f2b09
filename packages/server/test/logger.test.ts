import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat } from '../src/platform/logger.js';

/** Collects what a logger writes; `isTTY` is what Node sets on a terminal's stdout. */
function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => chunks.join('') };
}

const serverDir = fileURLToPath(new URL('../', import.meta.url));
const script = `import { createLogger } from './src/platform/logger.ts'; createLogger({ LOG_LEVEL: 'info' }).info({ inbox: 'web' }, 'hello from the log');`;

describe('logs', () => {
  it('auto is readable on a terminal and JSON otherwise; an explicit format wins', () => {
    expect(resolveLogFormat('auto', { isTTY: true })).toBe('pretty');
    expect(resolveLogFormat('auto', { isTTY: false })).toBe('json');
    expect(resolveLogFormat('auto', {})).toBe('json');
    expect(resolveLogFormat('json', { isTTY: true })).toBe('json');
    expect(resolveLogFormat('pretty', { isTTY: false })).toBe('pretty');
  });

  it('writes one JSON object a line when the output is not a terminal, secrets redacted', () => {
    const out = capture(false);
    createLogger({ LOG_LEVEL: 'info' }, out.stream).info({ user: { password: 'hunter2' } }, 'signed in');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'signed in', user: { password: '[redacted]' } });
  });

  it('writes human-readable lines to a terminal, secrets still redacted', () => {
    const out = capture(true);
    createLogger({ LOG_LEVEL: 'info' }, out.stream).info({ user: { password: 'hunter2' } }, 'signed in');
    const text = out.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/INFO/);
    expect(text).toContain('signed in');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('hunter2');
  });

  it('a real process logs JSON into a pipe and readable lines into a pseudo-terminal', () => {
    const node = ['--import', 'tsx', '--input-type=module', '-e', script];
    const piped = execFileSync(process.execPath, node, { cwd: serverDir, encoding: 'utf8' });
    expect(JSON.parse(piped.trim())).toMatchObject({ msg: 'hello from the log', inbox: 'web' });

    // util-linux `script` runs the command on a pseudo-terminal, as a person's shell would.
    const command = [process.execPath, ...node.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`)].join(' ');
    const onTerminal = execFileSync('script', ['-qec', command, '/dev/null'], { cwd: serverDir, encoding: 'utf8' });
    expect(onTerminal).toContain('hello from the log');
    expect(onTerminal).toMatch(/INFO/);
    expect(onTerminal).not.toMatch(/^\{"level"/m);
  });
});
