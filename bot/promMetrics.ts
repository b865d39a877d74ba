/**
 * prom-client's registry and metric classes, required from their own files:
 * its index also loads the default process metrics and, through them,
 * @opentelemetry/api (some 80 modules, ~1 MiB of RSS), which the bot needs
 * only with HTTP_PORT (bot/http/metricsText.ts loads them then). The classes
 * are the same objects the index exports.
 */
import type * as PromClient from 'prom-client';

export const Registry = require('prom-client/lib/registry') as typeof PromClient.Registry;
export const Counter = require('prom-client/lib/counter') as typeof PromClient.Counter;
export const Gauge = require('prom-client/lib/gauge') as typeof PromClient.Gauge;
export const Histogram = require('prom-client/lib/histogram') as typeof PromClient.Histogram;
export type Registry = PromClient.Registry;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;
