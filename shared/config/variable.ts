/**
 * One environment variable: its name, what it means, its default for local development,
 * and a parser that turns the raw string into a typed value or explains what is wrong.
 */
export interface Variable<T> {
  readonly name: string;
  readonly doc: string;
  /** Raw default, as it would be written in the environment; undefined means required. */
  readonly defaultRaw: string | undefined;
  parse(raw: string): T;
}

/** Thrown by a parser; the loader adds the variable's name. */
export class InvalidValue extends Error {}

interface Options {
  doc: string;
  default?: string;
}

function variable<T>(name: string, opts: Options, parse: (raw: string) => T): Variable<T> {
  return { name, doc: opts.doc, defaultRaw: opts.default, parse };
}

export function str(
  name: string,
  opts: Options & { maxLength?: number; minLength?: number; allowEmpty?: boolean },
): Variable<string> {
  const max = opts.maxLength ?? 1024;
  return variable(name, opts, (raw) => {
    if (raw.length === 0 && !opts.allowEmpty) throw new InvalidValue('must not be empty');
    if (raw.length > 0 && raw.length < (opts.minLength ?? 0)) {
      throw new InvalidValue(`must be at least ${opts.minLength} characters`);
    }
    if (raw.length > max) throw new InvalidValue(`must be at most ${max} characters`);
    return raw;
  });
}

export function int(name: string, opts: Options & { min: number; max: number }): Variable<number> {
  return variable(name, opts, (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidValue(`must be an integer, got "${raw}"`);
    const value = Number(raw.trim());
    if (value < opts.min || value > opts.max) {
      throw new InvalidValue(`must be between ${opts.min} and ${opts.max}, got ${value}`);
    }
    return value;
  });
}

export function bool(name: string, opts: Options): Variable<boolean> {
  return variable(name, opts, (raw) => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new InvalidValue(`must be true or false, got "${raw}"`);
  });
}

export function oneOf<const C extends readonly string[]>(
  name: string,
  opts: Options & { choices: C },
): Variable<C[number]> {
  return variable(name, opts, (raw) => {
    const v = raw.trim();
    if (!opts.choices.includes(v)) {
      throw new InvalidValue(`must be one of ${opts.choices.join(', ')}, got "${raw}"`);
    }
    return v as C[number];
  });
}

export function url(name: string, opts: Options & { protocols: readonly string[] }): Variable<string> {
  return variable(name, opts, (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw.trim());
    } catch {
      throw new InvalidValue(`must be a URL, got "${raw}"`);
    }
    if (!opts.protocols.includes(parsed.protocol)) {
      throw new InvalidValue(`must use ${opts.protocols.join(' or ')}, got "${parsed.protocol}"`);
    }
    return raw.trim();
  });
}

/** Comma-separated host:port pairs, e.g. Kafka bootstrap brokers (with allowEmpty: none is fine). */
export function hostPorts(name: string, opts: Options & { allowEmpty?: boolean }): Variable<string[]> {
  return variable(name, opts, (raw) => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (items.length === 0 && !opts.allowEmpty) throw new InvalidValue('must list at least one host:port');
    for (const item of items) {
      const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
        throw new InvalidValue(`"${item}" is not host:port`);
      }
    }
    return items;
  });
}

/** A variable with its own parser (which throws InvalidValue with a message). */
export function custom<T>(name: string, opts: Options, parse: (raw: string) => T): Variable<T> {
  return variable(name, opts, parse);
}

/** Comma-separated ids ([A-Za-z0-9_-], 1-32 characters each). */
export function idList(name: string, opts: Options): Variable<string[]> {
  return variable(name, opts, (raw) => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (items.length === 0) throw new InvalidValue('must list at least one id');
    for (const item of items) {
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(item))
        throw new InvalidValue(`"${item}" is not an id of [A-Za-z0-9_-]`);
    }
    return items;
  });
}
