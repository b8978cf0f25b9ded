#!/usr/bin/env node
import { ConfigError, parseConsoleArgs } from './config/console-config.js';
import { startConsole } from './console-app.js';

try {
  const config = parseConsoleArgs(process.argv.slice(2), process.env);
  const running = await startConsole(config);
  console.log(`berth-console listening on ${running.url}`);
  if (running.setupToken) {
    console.log(`No users yet. Create the first admin with this one-time setup token:\n\n  ${running.setupToken}\n\n(POST /api/auth/setup {"token","username","password"}, or open ${running.url} )`);
  }
  const stop = () => {
    // Open browser connections and engine streams must not keep a stopping console alive.
    setTimeout(() => process.exit(0), 3_000).unref();
    void running.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(`berth-console: ${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
