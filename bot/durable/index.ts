import type { BusNames } from '@zenrelay/protocol';
import type { BotConfig } from '../config';
import type { IrcConnection } from '../irc/ircConnection';
import type { Logger } from '@zenrelay/runtime';
import type { BotMetrics } from '../metrics';
import type { SendQueue } from '../outbound/sendQueue';
import { NoticeConsumer } from './noticeConsumer';
import { NoticeStream } from './noticeStream';

/**
 * Durable notices on the bot side: the consumer of the notices stream, built
 * from the bot's configuration. The bridge calls start(), stopReading() and
 * close(); see noticeConsumer.ts.
 */
export { NoticeConsumer } from './noticeConsumer';

export function createNoticeConsumer(
  config: BotConfig,
  names: BusNames,
  irc: IrcConnection,
  queue: SendQueue,
  log: Logger,
  metrics: BotMetrics,
): NoticeConsumer {
  const stream = new NoticeStream({ target: config.redis, names, fateTtlSeconds: config.noticeFateTtlSeconds, waitReplicas: config.noticeWaitReplicas, waitTimeoutMs: config.noticeWaitTimeoutMs }, log);
  return new NoticeConsumer(
    stream,
    irc,
    queue,
    {
      window: config.noticeWindow,
      maxAgeMs: config.noticeMaxAgeSeconds * 1000,
      maxBytes: config.maxPayloadBytes,
      rawAllow: config.rawAllow,
    },
    log,
    metrics,
  );
}
