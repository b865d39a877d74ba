/**
 * Durable notices from the publisher's side: prepare (validate) a notice,
 * queue it in Redis, read or wait for its fate. Used by `zen notify` and the
 * webhook service; see docs/notices.md.
 */
export * from './noticeRequest';
export * from './noticeClient';
