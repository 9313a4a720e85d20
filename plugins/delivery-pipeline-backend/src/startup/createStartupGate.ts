import {
  LifecycleService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { RequestHandler } from 'express';

/** What producers are told to wait before they send again. */
const RETRY_AFTER_SECONDS = 5;
/** Backstage's default for `backend.lifecycle.startupRequestPauseTimeout`. */
const DEFAULT_PAUSE_MS = 5000;

/**
 * Middleware for the root HTTP router, in front of every plugin's routes:
 * until the backend has started (the root lifecycle's startup hooks run once
 * every plugin is initialised and mounted), a request is held for up to
 * `backend.lifecycle.startupRequestPauseTimeout` and then answered 503 with
 * `Retry-After`; after shutdown began, at once. Without it, a request to a
 * plugin not mounted yet gets 404, and a producer drops its events instead
 * of retrying. Backstage's own lifecycle middleware does the same per
 * plugin, but only once the plugin's router exists, and without
 * `Retry-After`.
 *
 * Wire it in the backend:
 *
 * ```ts
 * backend.add(
 *   rootHttpRouterServiceFactory({
 *     configure({ app, lifecycle, config, applyDefaults }) {
 *       app.use('/api', createStartupGate({ lifecycle, config }));
 *       applyDefaults();
 *     },
 *   }),
 * );
 * ```
 *
 * @public
 */
export function createStartupGate(options: {
  /** The root lifecycle, as the root HTTP router's `configure` gets it. */
  lifecycle: LifecycleService;
  config: RootConfigService;
}): RequestHandler {
  const { lifecycle, config } = options;
  const pauseMs = config.has('backend.lifecycle.startupRequestPauseTimeout')
    ? durationToMilliseconds(
        readDurationFromConfig(config, {
          key: 'backend.lifecycle.startupRequestPauseTimeout',
        }),
      )
    : DEFAULT_PAUSE_MS;
  let state: 'starting' | 'up' | 'down' = 'starting';
  const waiting = new Set<{ release: () => void; timer: NodeJS.Timeout }>();
  const releaseAll = () => {
    for (const item of waiting) {
      clearTimeout(item.timer);
      item.release();
    }
    waiting.clear();
  };
  lifecycle.addStartupHook(() => {
    if (state === 'starting') state = 'up';
    releaseAll();
  });
  lifecycle.addShutdownHook(() => {
    state = 'down';
    releaseAll();
  });

  return (req, res, next) => {
    const answer = () => {
      if (state === 'up') {
        next();
        return;
      }
      const message =
        state === 'down'
          ? 'The backend is shutting down; retry later'
          : 'The backend is starting; retry later';
      res
        .status(503)
        .set('Retry-After', String(RETRY_AFTER_SECONDS))
        .json({
          error: { name: 'ServiceUnavailableError', message },
          request: { method: req.method, url: req.originalUrl },
          response: { statusCode: 503 },
        });
    };
    if (state !== 'starting') {
      answer();
      return;
    }
    const item = {
      release: answer,
      timer: setTimeout(() => {
        if (waiting.delete(item)) answer();
      }, pauseMs),
    };
    waiting.add(item);
  };
}
