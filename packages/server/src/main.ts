import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, demoBanner, startServer } from './server.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

const logger = createLogger(config);
try {
  const server = await startServer(config, logger);
  const showBanner = server.demoSeeded || config.HUILIU_DEMO;
  process.stdout.write(showBanner ? `${demoBanner(config.PUBLIC_URL ?? server.url)}\n` : `\n  汇流 Huiliu is running at ${server.url}\n\n`);
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS + 2_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an unexpected error');
    else logger.info({ signal }, 'shutting down gracefully');
    await server.close();
  });
} catch (error) {
  logger.fatal({ err: error }, 'Huiliu could not start');
  process.exit(1);
}
