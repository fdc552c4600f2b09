import path from 'node:path';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'use true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));

const urlWithProtocols = (protocols: string[]) =>
  z
    .url({ message: `must be a URL (${protocols.join(', ')})` })
    .refine(
      (value) => protocols.some((protocol) => value.startsWith(`${protocol}://`)),
      `must start with ${protocols.map((protocol) => `${protocol}://`).join(' or ')}`,
    );

const port = z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535);
const positiveInt = z.coerce.number({ message: 'must be a number' }).int().positive();

/**
 * Every environment variable Huiliu reads, with its default. The README's configuration
 * table documents exactly these; keep the two in step.
 */
const EnvSchema = z.object({
  PORT: port.default(3000),
  /** Loopback by default: the demo logins are published, so other machines reach Huiliu only when HOST says so. */
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ message: 'must be a URL such as https://support.example.com' }).optional(),
  /** Further origins whose pages may open agent sockets with the session cookie (comma-separated), beside PUBLIC_URL. */
  ALLOWED_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ message: 'each origin must be a URL such as https://console.example.com' })))
    .optional(),
  DATABASE_URL: urlWithProtocols(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  REDIS_URL: urlWithProtocols(['redis', 'rediss']).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  EMBEDDED_PG_PORT: port.default(54329),
  HUILIU_DEMO: booleanFlag.default(true),
  /** With the demo workspace, two weeks of sample conversations (tests that count conversations turn it off). */
  HUILIU_DEMO_HISTORY: booleanFlag.default(true),
  /** Keep the hourly report rollup with a job (off: reports sum the events alone, and tests write back-dated events freely). */
  REPORTS_ROLLUP: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: readable lines on a terminal, JSON otherwise (what log shippers parse). */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  SESSION_IDLE_MINUTES: positiveInt.default(7 * 24 * 60),
  /** However active, a session ends this long after login (the idle limit alone would let a stolen cookie live forever). */
  SESSION_MAX_AGE_HOURS: positiveInt.default(30 * 24),
  SESSION_COOKIE_SECURE: booleanFlag.optional(),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(20),
  /** Failures for one account from sources it never logged in from, all such sources together. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL: positiveInt.default(50),
  LOGIN_FAILURE_WINDOW_MINUTES: positiveInt.default(15),
  /** The first delay once a budget is spent; it doubles with every further attempt, up to the maximum. */
  LOGIN_DELAY_BASE_SECONDS: positiveInt.default(60),
  LOGIN_MAX_DELAY_MINUTES: positiveInt.default(60),
  SMTP_URL: urlWithProtocols(['smtp', 'smtps']).optional(),
  SMTP_FROM: z.string().min(3).default('Huiliu <no-reply@huiliu.local>'),
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
  TRUST_PROXY: booleanFlag.default(false),
  /** A header the reverse proxy sets to the client's city from its geo-IP lookup (e.g. nginx geoip2 → X-Geo-City); read only with TRUST_PROXY. */
  GEO_CITY_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name such as X-Geo-City')
    .transform((name) => name.toLowerCase())
    .optional(),
  WIDGET_SESSIONS_PER_MINUTE: positiveInt.default(30),
  /** Per client IP, for each of the widget's code-request and code-check routes (the per-customer and per-address limits are fixed). */
  WIDGET_VERIFY_PER_MINUTE: positiveInt.default(10),
  PRESENCE_GRACE_SECONDS: positiveInt.default(60),
  /** Socket events per second one IP address may send (widget and console alike; raise it behind a shared NAT). */
  SOCKET_EVENTS_PER_IP_PER_SECOND: positiveInt.default(200),
  /** Socket events per second all of a workspace's visitors together may send. */
  SOCKET_EVENTS_PER_WORKSPACE_PER_SECOND: positiveInt.default(2000),
  /** Requests per second one IP address may make to the public routes (widget, help center, webhooks). */
  PUBLIC_REQUESTS_PER_IP_PER_SECOND: positiveInt.default(20),
  /** WeChat Official Account API (point at the test double in tests and demos). */
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  /** WeCom API (point at the test double in tests and demos). */
  WECOM_API_BASE: z.url().default('https://qyapi.weixin.qq.com'),
  /** How long a WeChat callback waits for a reply to send passively (WeChat gives up after 5 s). */
  WECHAT_PASSIVE_WAIT_MS: positiveInt.max(4500).default(4000),
  /** Signed WeChat callbacks with a timestamp further than this from now are refused (replays). */
  WECHAT_REPLAY_WINDOW_SECONDS: positiveInt.default(300),
  QUEUE_ABANDON_SECONDS: positiveInt.default(300),
  SECRETS_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'use 64 hex digits or base64 of 32 bytes (openssl rand -hex 32)')
    .optional(),
  EMAIL_POLL_SECONDS: positiveInt.default(60),
  /** The interface inbound SMTP listeners bind to; HOST when unset. */
  INBOUND_SMTP_HOST: z.string().min(1).optional(),
  /** How often each node looks for SLA warnings and breaches that are due; one fires at most this late. */
  SLA_SWEEP_INTERVAL_MS: positiveInt.min(50).default(10_000),
  /** Clocks one sweep transaction claims at most (a sweep runs batches until nothing more is due). */
  SLA_SWEEP_BATCH: positiveInt.max(10_000).default(500),
  /** Tests and benchmarks only: a file holding the ISO instant background timers take as "now". */
  HUILIU_CLOCK_FILE: z.string().min(1).optional(),
});

export type Config = z.infer<typeof EnvSchema> & {
  dataDir: string;
  publicUrl: string;
  cookieSecure: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Reads and validates the environment; throws ConfigError listing every bad value at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join('.')}=${JSON.stringify(present[String(issue.path[0])] ?? '')}: ${issue.message}`,
      ),
    );
  }
  const values = parsed.data;
  const publicUrl = (values.PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(/\/$/, '');
  return {
    ...values,
    dataDir: path.resolve(values.DATA_DIR),
    publicUrl,
    cookieSecure: values.SESSION_COOKIE_SECURE ?? publicUrl.startsWith('https://'),
  };
}
