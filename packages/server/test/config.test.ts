import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { runServerExpectingExit } from './support/process.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HUILIU_DEMO).toBe(true);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.cookieSecure).toBe(false);
  });

  it('reads and converts values', () => {
    const config = loadConfig({
      PORT: '8080',
      HUILIU_DEMO: 'false',
      PUBLIC_URL: 'https://support.example.com/',
      DATABASE_URL: 'postgres://u:p@db:5432/huiliu',
    });
    expect(config).toMatchObject({ PORT: 8080, HUILIU_DEMO: false, publicUrl: 'https://support.example.com', cookieSecure: true });
  });

  it('reports every bad value at once, each with what is wrong', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://localhost/db', HUILIU_DEMO: 'maybe', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT="eighty"/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL="mysql:\/\/localhost\/db": must start with postgres:\/\/ or postgresql:\/\//);
    expect(problems.join('\n')).toMatch(/HUILIU_DEMO="maybe": use true or false/);
  });

  it('the process exits non-zero with one line per bad value, before touching any database', async () => {
    const { code, output } = await runServerExpectingExit({
      PORT: '-1',
      REDIS_URL: 'http://nope',
      DATA_DIR: '/nonexistent/should-not-be-created',
    });
    expect(code).toBe(2);
    expect(output).toContain('Invalid configuration');
    expect(output).toMatch(/- PORT="-1"/);
    expect(output).toMatch(/- REDIS_URL="http:\/\/nope"/);
    expect(output).not.toContain('embedded PostgreSQL');
  });
});
