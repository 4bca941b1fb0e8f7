import { LOG_LEVELS, serviceLogIndex } from '../../shared/log/service-log-index.js';

const LABELS = new Map<number, string>(Object.entries(LOG_LEVELS).map(([label, n]) => [n, label]));
const KEYWORDS = ['service', 'instance', 'playerId', 'roomId', 'matchId', 'gatewayId', 'serverId', 'queue'];
const MAX_TEXT = 32_000;

export interface ServiceLogDocument {
  index: string;
  doc: Record<string, unknown>;
}

/**
 * A service's JSON log line (pino's shape) as an `arena-logs-*` document, or the reason it
 * cannot be one. The mapped fields get the types the mapping says whatever a log call passed
 * (`err` as a string or an Error, an id as a number), so no line is refused for a type
 * conflict; the line's other fields stay in the source as they were.
 */
export function serviceLogDocument(raw: string, indexedAt = Date.now()): ServiceLogDocument | string {
  let line: unknown;
  try {
    line = JSON.parse(raw);
  } catch {
    return 'not JSON';
  }
  if (typeof line !== 'object' || line === null || Array.isArray(line)) return 'not a JSON object';
  const doc: Record<string, unknown> = { ...(line as Record<string, unknown>) };

  const parsedTime =
    typeof doc.time === 'string' || typeof doc.time === 'number' ? Date.parse(String(doc.time)) : NaN;
  const time = Number.isFinite(parsedTime)
    ? parsedTime
    : typeof doc.time === 'number' && Number.isFinite(doc.time)
      ? doc.time
      : indexedAt;
  doc.time = new Date(time).toISOString();

  const levelValue =
    typeof doc.level === 'number' ? doc.level : LOG_LEVELS[doc.level as keyof typeof LOG_LEVELS];
  if (levelValue !== undefined) {
    doc.levelValue = levelValue;
    doc.level = LABELS.get(levelValue) ?? String(levelValue);
  } else delete doc.level;

  for (const field of KEYWORDS) {
    const v = doc[field];
    if (v === undefined || v === null) delete doc[field];
    else if (typeof v !== 'string') doc[field] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  if (doc.msg !== undefined && typeof doc.msg !== 'string') doc.msg = String(doc.msg);
  if (typeof doc.msg === 'string') doc.msg = doc.msg.slice(0, MAX_TEXT);
  if (doc.err !== undefined) doc.err = errorFields(doc.err);
  doc.indexedAt = indexedAt;
  return { index: serviceLogIndex(time), doc };
}

/** `err` as the mapping has it, { type, message, stack }, from an Error pino serialized, a string or anything. */
function errorFields(err: unknown): { type?: string; message: string; stack?: string } {
  if (typeof err === 'object' && err !== null && !Array.isArray(err)) {
    const e = err as Record<string, unknown>;
    return {
      ...(e.type !== undefined && { type: String(e.type).slice(0, 256) }),
      message: String(e.message ?? JSON.stringify(e)).slice(0, MAX_TEXT),
      ...(e.stack !== undefined && { stack: String(e.stack).slice(0, MAX_TEXT) }),
    };
  }
  return { message: String(err).slice(0, MAX_TEXT) };
}
