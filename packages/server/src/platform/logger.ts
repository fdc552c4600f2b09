import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'auto' | 'pretty' | 'json';

export interface LoggerOptions {
  LOG_LEVEL: pino.LevelWithSilent;
  LOG_FORMAT?: LogFormat;
}

/**
 * A person at a terminal reads lines; a log shipper reads JSON. `auto` decides by whether the
 * output is a terminal, so `npm start` is readable and `node main.js | vector` stays parseable.
 */
export function resolveLogFormat(format: LogFormat, output: { isTTY?: boolean }): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  return output.isTTY ? 'pretty' : 'json';
}

const redact = {
  paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
  censor: '[redacted]',
};

export function createLogger(config: LoggerOptions, output: DestinationStream & { isTTY?: boolean } = process.stdout): Logger {
  const options = { level: config.LOG_LEVEL, redact };
  if (resolveLogFormat(config.LOG_FORMAT ?? 'auto', output) === 'json') return pino(options, output);
  // In-process (not a worker transport), so nothing is lost when the process exits on a fatal error.
  return pino(
    options,
    pretty({ destination: output, colorize: Boolean(output.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }),
  );
}
