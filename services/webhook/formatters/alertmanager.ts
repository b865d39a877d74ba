import { isRecord, oneLine, plural, str } from './text';

/**
 * Prometheus Alertmanager webhook payloads (version 4) as IRC lines, one per
 * alert:
 *
 *     [FIRING] HighErrorRate (severity=critical, instance=web-1): Error rate above 5% — 7.2% of requests fail
 *     [RESOLVED] DiskFull (severity=warning, instance=db-2): Disk almost full
 *
 * At most `maxLines` lines; the rest is summed up in a last line.
 */

export type AlertmanagerResult = { ok: true; message: string } | { ok: false; reason: string };

/** Whether a JSON payload looks like an Alertmanager webhook. */
export function isAlertmanagerPayload(payload: unknown): boolean {
  return isRecord(payload) && Array.isArray(payload.alerts) && (typeof payload.receiver === 'string' || typeof payload.groupKey === 'string');
}

const SHOWN_LABELS = ['severity', 'instance', 'job', 'namespace'];

export function formatAlertmanager(payload: unknown, maxLines: number): AlertmanagerResult {
  if (!isRecord(payload) || !Array.isArray(payload.alerts)) return { ok: false, reason: 'an Alertmanager payload needs an "alerts" array' };
  const alerts = payload.alerts.filter(isRecord);
  if (alerts.length === 0) return { ok: false, reason: 'the Alertmanager payload has no alerts' };
  const groupStatus = str(payload, 'status') ?? 'firing';
  const lines = alerts.map((alert) => alertLine(alert, groupStatus));
  if (lines.length <= maxLines) return { ok: true, message: lines.join('\n') };
  const shown = lines.slice(0, Math.max(1, maxLines - 1));
  const rest = lines.length - shown.length;
  const where = str(payload, 'externalURL');
  shown.push(`… and ${plural(rest, 'more alert')}${where ? ` (${where})` : ''}`);
  return { ok: true, message: shown.join('\n') };
}

function alertLine(alert: Record<string, unknown>, groupStatus: string): string {
  const status = (str(alert, 'status') ?? groupStatus).toUpperCase();
  const labels = isRecord(alert.labels) ? alert.labels : {};
  const name = str(labels, 'alertname') ?? 'alert';
  const shownLabels = SHOWN_LABELS.flatMap((key) => {
    const value = str(labels, key);
    return value === undefined ? [] : [`${key}=${oneLine(value, 60)}`];
  });
  const summary = str(alert, 'annotations', 'summary');
  const description = str(alert, 'annotations', 'description');
  const texts = [summary, description].filter((t): t is string => t !== undefined && t.trim() !== '').map((t) => oneLine(t, 200));
  const unique = texts.length === 2 && texts[0] === texts[1] ? texts.slice(0, 1) : texts;
  return `[${status}] ${oneLine(name, 80)}${shownLabels.length ? ` (${shownLabels.join(', ')})` : ''}${unique.length ? `: ${unique.join(' — ')}` : ''}`;
}
