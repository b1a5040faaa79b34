import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig, type Config } from '../config.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { IN_MEMORY } from '../store/pglite.js';
import { openStoreSocket } from '../store/store-socket-server.js';
import { openRateLimiter } from './rate-limiter.js';
import { deploymentId } from '../store/server-secrets.js';
import { buildApp } from './app.js';
import { jobIntervals, startBackgroundJobs } from '../jobs/background-jobs.js';
import { builtInRuleEngine } from '../posture/rule-pack-engine.js';
import { setCountCacheCapacity } from '../findings/findings-service.js';

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  stop(): Promise<void>;
}

/**
 * Opens the store, migrates it, and serves until stop(); SIGTERM and SIGINT finish requests in flight, then close the
 * store. The background jobs run in this process unless `runJobs` is false (`steward serve --no-jobs`: API only, while
 * `steward worker` processes on the same PostgreSQL run them).
 */
export async function serve(config: Config = loadConfig(), { handleSignals = true, runJobs = true } = {}): Promise<RunningServer> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.pgPoolSize });
  // The embedded store serves this process only: commands run beside the server reach it through its socket.
  const storeSocket = !config.databaseUrl && config.dataDir !== IN_MEMORY ? await openStoreSocket(db, config.dataDir) : undefined;
  setCountCacheCapacity(config.countCacheSize);
  await migrate(db);
  const log = pino({ level: config.logLevel });
  const limiter = await openRateLimiter(config.redisUrl, log, await deploymentId(db));
  const rules = builtInRuleEngine();
  const app = await buildApp({ db, config, limiter, rules }, log);
  for (const e of rules.errors) app.log.error({ file: e.file, line: e.line }, `rule skipped: ${e.message}`);
  if (storeSocket) app.log.info({ socket: storeSocket.path }, 'steward commands run beside this server reach its store through this socket');
  const jobs = runJobs ? startBackgroundJobs({ db, log: app.log, intervals: jobIntervals(config) }) : undefined;
  if (!runJobs) app.log.info({ jobs: 'off' }, 'serving the API only: background jobs run in steward worker processes');
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await jobs?.stop();
      await app.close();
      await storeSocket?.close();
      await limiter.close();
      await db.close();
    })());
  if (handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'stopping: finishing requests in flight');
        stop().then(
          () => process.exit(0),
          (err) => {
            app.log.error({ err }, 'stop failed');
            process.exit(1);
          },
        );
      });
    }
  }
  return { app, db, url: `http://${config.host}:${port}`, stop };
}
